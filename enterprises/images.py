"""Uploaded images (product pictures, enterprise logos): checked, cleaned, resized.

An upload is accepted only if its content (not its name) is a JPEG, PNG, WebP or GIF image
within the size and pixel limits; the pixel count is read from the header, so a
decompression bomb is refused before it is decoded. Accepted images are re-encoded, which
drops EXIF and other metadata, stored under a random name, and given a thumbnail.
"""

import io
import uuid
import warnings
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "png"}  # GIF is stored as PNG
THUMBNAIL_SIZE = (480, 480)


def max_bytes():
    return getattr(settings, "IMAGE_MAX_BYTES", 5 * 1024 * 1024)


def max_pixels():
    return getattr(settings, "IMAGE_MAX_PIXELS", 25_000_000)


def read(upload):
    upload.seek(0)
    data = upload.read(max_bytes() + 1)
    upload.seek(0)
    return data


def inspect(data):
    """Open image bytes safely: (image, format), or a ValidationError saying what is wrong."""
    if len(data) > max_bytes():
        raise ValidationError(
            _("The file is larger than %(limit)d MB."),
            code="image_too_large",
            params={"limit": max_bytes() // (1024 * 1024)},
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            width, height = image.size
            if width * height > max_pixels():
                raise ValidationError(
                    _("The image has %(pixels)s pixels; at most %(limit)s are accepted."),
                    code="image_too_many_pixels",
                    params={"pixels": f"{width * height:,}", "limit": f"{max_pixels():,}"},
                )
            if image.format not in FORMATS:
                raise ValidationError(
                    _("Upload a JPEG, PNG, WebP or GIF image."), code="image_format"
                )
            image.verify()  # corrupt files fail here
            # verify() leaves the image unusable and does not decode the pixels, so a
            # truncated file passes it: decode a fresh copy (at most max_pixels()).
            image = Image.open(io.BytesIO(data))
            image.load()
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ValidationError(
            _("The image has too many pixels; at most %(limit)s are accepted."),
            code="image_too_many_pixels",
            params={"limit": f"{max_pixels():,}"},
        ) from exc
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
    ) as exc:
        raise ValidationError(
            _("This file is not a readable image (%(reason)s)."),
            code="image_unreadable",
            params={"reason": type(exc).__name__},
        ) from exc
    return image, image.format


def validate_image_upload(upload):
    """Field validator for image uploads."""
    if upload and not getattr(upload, "_committed", True):
        inspect(read(upload))


def encode(image, fmt, size=None):
    """Re-encode an image without its metadata, optionally shrunk to fit `size`."""
    image = ImageOps.exif_transpose(image)
    if size:
        image.thumbnail(size)
    out = io.BytesIO()
    target = "PNG" if fmt == "GIF" else fmt
    if target == "JPEG":
        image = image.convert("RGB")
        image.save(out, "JPEG", quality=85, optimize=True)
    elif target == "WEBP":
        image.save(out, "WEBP", quality=85)
    else:
        if image.mode not in ("RGB", "RGBA", "L", "LA", "P"):
            image = image.convert("RGBA")
        image.save(out, "PNG", optimize=True)
    return out.getvalue(), FORMATS[fmt]


def clean_upload(upload):
    """(cleaned original, thumbnail) as ContentFiles with random names."""
    image, fmt = inspect(read(upload))
    original, extension = encode(image, fmt)
    thumbnail, thumb_extension = encode(image, fmt, THUMBNAIL_SIZE)
    name = uuid.uuid4().hex
    return (
        ContentFile(original, name=f"{name}.{extension}"),
        ContentFile(thumbnail, name=f"{name}-thumb.{thumb_extension}"),
    )


@deconstructible
class RandomName:
    """upload_to: `<folder>/<random>.<ext>`, so stored files cannot be guessed."""

    def __init__(self, folder):
        self.folder = folder

    def __call__(self, instance, filename):
        extension = PurePath(filename).suffix.lower()[:6]
        return f"{self.folder}/{uuid.uuid4().hex}{extension}"

    def __eq__(self, other):
        return isinstance(other, RandomName) and other.folder == self.folder


def uploaded_image(verbose_name, folder):
    """An optional image an editor uploads, checked before it is stored under a random name
    in `folder` (the model lists it, with its thumbnail's field, in `image_fields`)."""
    return models.ImageField(
        verbose_name,
        upload_to=RandomName(folder),
        blank=True,
        validators=[validate_image_upload],
        help_text=_("JPEG, PNG, WebP or GIF, up to 5 MB and 25 megapixels."),
    )


def thumbnail_of(verbose_name, folder):
    """The small copy made of an uploaded image when it is saved."""
    return models.ImageField(
        verbose_name, upload_to=RandomName(folder), blank=True, editable=False
    )


class ImageUploadMixin:
    """Models with `image_fields = {"image": "image_thumbnail"}`: clean new uploads on save,
    and remove replaced files once the change is committed."""

    image_fields = {}

    def process_images(self):
        """Clean new uploads; return the names of the files they replace."""
        new = [field for field in self.image_fields if self.has_new_upload(field)]
        stored = {}
        if new and self.pk is not None:
            fields = [*new, *(self.image_fields[field] for field in new)]
            stored = type(self)._default_manager.filter(pk=self.pk).values(*fields).first() or {}
        replaced = []
        for field in new:
            thumbnail_field = self.image_fields[field]
            original, thumbnail = clean_upload(getattr(self, field))
            setattr(self, field, original)
            setattr(self, thumbnail_field, thumbnail)
            replaced += [name for name in (stored.get(field), stored.get(thumbnail_field)) if name]
        for field, thumbnail_field in self.image_fields.items():
            if not getattr(self, field) and getattr(self, thumbnail_field):
                setattr(self, thumbnail_field, "")
        return replaced

    def has_new_upload(self, field):
        upload = getattr(self, field)
        return bool(upload) and not upload._committed
