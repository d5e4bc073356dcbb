"""The production static-file storage can collect every file we ship.

``collectstatic`` with whitenoise's manifest storage rewrites the references inside CSS
and JavaScript (``url(...)``, ``sourceMappingURL``) and fails on one that points at a
file we do not ship. The production smoke runs it too, but only after the whole suite;
this finds a broken vendored file in seconds."""

from django.core.management import call_command


def test_collectstatic_with_the_production_storage_finds_every_referenced_file(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    manifest = (tmp_path / "staticfiles.json").read_text()
    assert "vendor/leaflet/leaflet.js" in manifest
    hashed = list((tmp_path / "vendor" / "leaflet").glob("leaflet.*.js"))
    assert hashed, "the hashed copy of leaflet.js is missing"
