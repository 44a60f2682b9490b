import json
import os
import subprocess
import sys

import dj_database_url
import pytest
from django.conf import settings

PRODUCTION_ENV = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "x" * 20 + "a-long-random-production-secret-key-0123456789",
    "DJANGO_ALLOWED_HOSTS": "directory.example.cn",
}


def run_manage(*args, env):
    full_env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("DJANGO_") and k not in {"DATABASE_URL", "REDIS_URL"}
    }
    full_env.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deploy_check(tmp_path):
    env = {**PRODUCTION_ENV, "DJANGO_VAR_DIR": str(tmp_path)}
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_debug_settings_fail_the_deploy_check(tmp_path):
    env = {**PRODUCTION_ENV, "DJANGO_DEBUG": "1", "DJANGO_VAR_DIR": str(tmp_path)}
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode != 0
    assert "DEBUG" in result.stdout + result.stderr


def test_a_bad_boolean_is_a_clear_configuration_error(tmp_path):
    env = {"DJANGO_DEBUG": "perhaps", "DJANGO_VAR_DIR": str(tmp_path)}
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert "DJANGO_DEBUG must be one of" in result.stderr


def test_without_a_secret_key_a_local_one_is_generated_once(tmp_path):
    env = {"DJANGO_VAR_DIR": str(tmp_path)}
    assert run_manage("check", env=env).returncode == 0
    key = (tmp_path / "secret_key").read_text()
    assert len(key) >= 50
    assert oct((tmp_path / "secret_key").stat().st_mode)[-3:] == "600"
    assert run_manage("check", env=env).returncode == 0
    assert (tmp_path / "secret_key").read_text() == key


@pytest.mark.parametrize(
    ("url", "engine"),
    [
        ("sqlite:////tmp/x.sqlite3", "django.db.backends.sqlite3"),
        ("postgres://postgres@127.0.0.1:5432/smedirectory", "django.db.backends.postgresql"),
    ],
)
def test_database_url_selects_the_backend(url, engine):
    assert dj_database_url.parse(url)["ENGINE"] == engine


def test_embedded_sqlite_waits_for_writers_instead_of_failing(tmp_path):
    code = (
        "import json; from django.conf import settings; "
        "print(json.dumps(settings.DATABASES['default']['OPTIONS']))"
    )
    result = run_manage("shell", "-c", code, env={"DJANGO_VAR_DIR": str(tmp_path)})
    options = json.loads(result.stdout.strip().splitlines()[-1])
    assert options["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in options["init_command"]
    assert options["timeout"] >= 5


def test_no_template_or_setting_refers_to_a_cdn():
    for path in list(settings.BASE_DIR.joinpath("templates").rglob("*.html")):
        html = path.read_text()
        assert "//cdn" not in html and "googleapis" not in html, path
    assert settings.JQUERY_UI_URL.startswith("vendor/")


# Production without the development tools ------------------------------------------------

WITHOUT_DEV_TOOLS = """
import importlib, os, pkgutil, sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smedirectory.settings")
DEV_TOOLS = {"faker", "factory", "pytest", "_pytest", "xdist", "playwright", "ruff"}


class NotInstalled:
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in DEV_TOOLS:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)


sys.meta_path.insert(0, NotInstalled())
sys.argv = ["manage.py", *sys.argv[1:]]
if sys.argv[1:] == ["import-all"]:
    import django

    django.setup()
    for package in ("smedirectory", "enterprises"):
        root = importlib.import_module(package)
        for module in pkgutil.walk_packages(root.__path__, package + "."):
            if not module.name.startswith("enterprises.demo"):  # the demo generator: a dev tool
                importlib.import_module(module.name)
    print("imported")
else:
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
"""


def test_production_code_needs_none_of_the_development_tools(tmp_path):
    """requirements.txt installs no test tool: every module but the demo generator imports
    without them, and migrate, load_directory and export_directory run."""
    env = {**PRODUCTION_ENV, "DJANGO_VAR_DIR": str(tmp_path)}

    def manage(*args):
        full_env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
        full_env.pop("DATABASE_URL", None)
        return subprocess.run(
            [sys.executable, "-c", WITHOUT_DEV_TOOLS, *args],
            cwd=settings.BASE_DIR,
            env={**full_env, **env},
            capture_output=True,
            text=True,
            timeout=300,
        )

    imported = manage("import-all")
    assert imported.returncode == 0 and "imported" in imported.stdout, imported.stderr
    for command in (["migrate", "--noinput"], ["load_directory"]):
        result = manage(*command, "--verbosity", "0")
        assert result.returncode == 0, result.stderr
    exported = manage("export_directory", "-o", str(tmp_path / "backup.json"))
    assert exported.returncode == 0, exported.stderr
    assert "zte" in (tmp_path / "backup.json").read_text()
    # The one command that needs them says so, instead of a traceback.
    demo = manage("generate_demo_data", "--enterprises", "1")
    assert demo.returncode == 1
    assert "Demo data needs the development tools (faker is not installed)" in demo.stderr
    assert "Traceback" not in demo.stderr
