"""The Cloudflare replacement rules' condition: an origin-pull certificate is replaced by a different certificate,
not by a trailing newline."""

from __future__ import annotations

from offline.replacements.cloudflare import certificate_changed

PEM = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----"


def test_a_different_certificate_replaces_the_upload() -> None:
    renewed = PEM.replace("MIIB", "MIIC")
    assert certificate_changed({"certificate": PEM}, {"certificate": renewed}) is not None


def test_a_trailing_newline_does_not_replace_it() -> None:
    assert certificate_changed({"certificate": PEM}, {"certificate": PEM + "\n\n"}) is None
    assert certificate_changed({"certificate": PEM}, {"certificate": PEM}) is None
