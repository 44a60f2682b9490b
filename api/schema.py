"""Names the OpenAPI schema gives to choice sets that share a field name."""

from enterprises.models import PolicyInitiative

POLICY_STAGES = PolicyInitiative.Stage
