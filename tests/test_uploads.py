"""Uploaded logos and product images: checked by content, limited, cleaned, renamed."""

import io
import re
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, PngImagePlugin

from enterprises.models import Product

from .admin_forms import admin_url, change_form_data
from .factories import EnterpriseFactory, ProductFactory

pytestmark = pytest.mark.django_db

RANDOM_NAME = re.compile(r"^(logos|products)/[0-9a-f]{32}(-thumb)?\.(jpg|png|webp)$")


def image_bytes(fmt="PNG", size=(64, 48), **save_options):
    image = Image.new("RGB", size, (200, 30, 30))
    out = io.BytesIO()
    image.save(out, fmt, **save_options)
    return out.getvalue()


def jpeg_with_exif():
    exif = Image.Exif()
    exif[0x010F] = "SpyCam Inc."  # Make
    exif[0x0131] = "secret-software"  # Software
    exif[0x8825] = {2: (39.0, 54.0, 27.0)}  # GPS latitude: where the photo was taken
    return image_bytes("JPEG", exif=exif)


def png_with_text():
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "private person")
    return image_bytes("PNG", pnginfo=info)


def png_header_only(width, height):
    """A tiny PNG file that claims a huge size: a decompression bomb's header."""

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    pixels = zlib.compress(b"\x00" * 64)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", pixels)
        + chunk(b"IEND", b"")
    )


def bomb_png(width, height):
    """A real, tiny (compressed) PNG with a great many pixels."""
    out = io.BytesIO()
    Image.new("1", (width, height)).save(out, "PNG", optimize=True)
    return out.getvalue()


def stored_files():
    names = set()
    for folder in ("logos", "products"):
        if default_storage.exists(folder):
            names |= {f"{folder}/{n}" for n in default_storage.listdir(folder)[1]}
    return names


def upload(client, product, name, content):
    url = admin_url(Product, "change", product.pk)
    data = change_form_data(client.get(url))
    data["image"] = SimpleUploadedFile(name, content)
    return client.post(url, data)


ACCEPTED = {
    "png": ("photo.png", lambda: image_bytes("PNG")),
    "jpeg": ("photo.jpg", lambda: image_bytes("JPEG")),
    "webp": ("photo.webp", lambda: image_bytes("WEBP")),
    "gif": ("photo.gif", lambda: image_bytes("GIF")),
    "jpeg-named-png": ("photo.png", lambda: image_bytes("JPEG")),
}

REJECTED = {
    "text": ("logo.png", lambda: b"just some text, not an image"),
    "html": ("logo.jpg", lambda: b"<html><script>alert(1)</script></html>"),
    "svg": (
        "logo.svg",
        lambda: b'<svg xmlns="http://www.w3.org/2000/svg"><script>x</script></svg>',
    ),
    "truncated": ("photo.jpg", lambda: image_bytes("JPEG", size=(400, 400))[:600]),
    "bomb-header": ("bomb.png", lambda: png_header_only(100_000, 100_000)),
    "bomb-30mp": ("big.png", lambda: bomb_png(6000, 5000)),
    "tiff": ("scan.png", lambda: image_bytes("TIFF")),
    "empty": ("empty.png", lambda: b""),
}


class TestAdminUploads:
    @pytest.mark.parametrize("case", ACCEPTED)
    def test_an_image_is_stored_cleaned_under_a_random_name(self, staff_client, case):
        name, make = ACCEPTED[case]
        product = ProductFactory()
        before = stored_files()
        response = upload(staff_client, product, name, make())
        assert response.status_code == 302
        product.refresh_from_db()
        assert RANDOM_NAME.match(product.image.name), product.image.name
        assert RANDOM_NAME.match(product.image_thumbnail.name)
        assert "photo" not in product.image.name
        assert stored_files() - before == {product.image.name, product.image_thumbnail.name}
        with default_storage.open(product.image.name) as stored:
            assert Image.open(stored).format in {"PNG", "JPEG", "WEBP"}

    @pytest.mark.parametrize("case", REJECTED)
    def test_a_bad_file_is_refused_with_a_message_and_never_stored(self, staff_client, case):
        name, make = REJECTED[case]
        product = ProductFactory()
        before = stored_files()
        response = upload(staff_client, product, name, make())
        assert response.status_code == 200
        errors = response.context["adminform"].form.errors
        assert "image" in errors and errors["image"][0]
        assert stored_files() == before
        product.refresh_from_db()
        assert not product.image and product.version == 1

    def test_replacing_an_image_removes_the_old_files_once_committed(
        self, staff_client, django_capture_on_commit_callbacks
    ):
        product = ProductFactory()
        upload(staff_client, product, "one.png", image_bytes("PNG"))
        product.refresh_from_db()
        old = {product.image.name, product.image_thumbnail.name}
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            upload(staff_client, product, "two.png", image_bytes("PNG", size=(30, 30)))
        assert old <= stored_files()  # still there until the new ones are committed
        for callback in callbacks:
            callback()
        product.refresh_from_db()
        assert not old & stored_files()
        assert {product.image.name, product.image_thumbnail.name} <= stored_files()


class TestCleaning:
    @pytest.mark.parametrize("make", [jpeg_with_exif, png_with_text], ids=["exif", "png-text"])
    def test_metadata_is_stripped(self, make):
        data = make()
        assert b"SpyCam" in data or b"private person" in data
        product = ProductFactory()
        product.image = SimpleUploadedFile("photo.jpg", data)
        product.save()
        with default_storage.open(product.image.name) as stored:
            content = stored.read()
        assert b"SpyCam" not in content and b"private person" not in content
        assert b"secret-software" not in content
        image = Image.open(io.BytesIO(content))
        assert not image.getexif()
        assert "Author" not in image.info

    def test_the_thumbnail_fits_the_box(self):
        product = ProductFactory()
        product.image = SimpleUploadedFile("wide.png", image_bytes("PNG", size=(2000, 500)))
        product.save()
        with default_storage.open(product.image_thumbnail.name) as stored:
            assert Image.open(stored).size == (480, 120)

    def test_a_logo_gets_the_same_treatment(self):
        firm = EnterpriseFactory()
        firm.logo = SimpleUploadedFile("logo.png", image_bytes("PNG"))
        firm.save()
        assert RANDOM_NAME.match(firm.logo.name) and firm.logo.name.startswith("logos/")
        assert firm.logo_thumbnail.name.startswith("logos/")


class TestLimits:
    def test_the_byte_limit(self, settings):
        settings.IMAGE_MAX_BYTES = 2000
        noisy = Image.effect_noise((200, 200), 100).convert("RGB")
        out = io.BytesIO()
        noisy.save(out, "PNG")
        product = ProductFactory()
        product.image = SimpleUploadedFile("noise.png", out.getvalue())
        with pytest.raises(ValidationError) as caught:
            product.full_clean()
        assert caught.value.error_dict["image"][0].code == "image_too_large"

    def test_the_pixel_limit_is_checked_before_decoding(self, settings):
        settings.IMAGE_MAX_PIXELS = 10_000
        product = ProductFactory()
        product.image = SimpleUploadedFile("big.png", image_bytes("PNG", size=(101, 100)))
        with pytest.raises(ValidationError) as caught:
            product.full_clean()
        assert caught.value.error_dict["image"][0].code == "image_too_many_pixels"

    def test_saving_without_validation_still_refuses_and_stores_nothing(self):
        product = ProductFactory()
        before = stored_files()
        product.image = SimpleUploadedFile("fake.png", b"not an image")
        with pytest.raises(ValidationError):
            product.save()
        assert stored_files() == before
        assert not Product.objects.get(pk=product.pk).image


def test_the_public_page_shows_the_thumbnail(client):
    product = ProductFactory()
    product.image = SimpleUploadedFile("photo.png", image_bytes("PNG"))
    product.save()
    html = client.get(product.get_absolute_url()).content.decode()
    assert product.image_thumbnail.url in html and product.image.url in html
