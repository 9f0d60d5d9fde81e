"""Canonical URLs: one story under several addresses is stored once."""

import pytest

from retrieval.text.urls import canonical_url


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        ("HTTP://News.Example/a?utm_source=x&id=3#top", "http://news.example/a?id=3"),
        ("https://news.example:443/a", "https://news.example/a"),
        ("http://news.example:8080", "http://news.example:8080/"),
        ("http://[::1]:8080/f", "http://[::1]:8080/f"),
        ("https://[2001:DB8::1]/story", "https://[2001:db8::1]/story"),
    ],
)
def test_canonical_form(url: str, canonical: str) -> None:
    assert canonical_url(url) == canonical
    assert canonical_url(canonical) == canonical  # stable: canonical twice is canonical once
