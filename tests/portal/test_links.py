"""url_for_ids gives exactly what reverse() gives, for every id."""

from __future__ import annotations

from typing import Any

import pytest
from django.template import Context, Template
from django.templatetags.static import static
from django.urls import reverse

from portal.links import static_url, url_for, url_for_ids


@pytest.mark.parametrize("pk", [1, 7, 42, 2_147_483_646, 10**12])
def test_a_spliced_link_is_the_reversed_one(pk: int) -> None:
    by_kwarg = url_for_ids("intake:review-detail", "intake_id")
    by_arg = url_for_ids("treatments:aftercare")
    assert by_kwarg(pk) == reverse("intake:review-detail", kwargs={"intake_id": pk})
    assert by_arg(pk) == reverse("treatments:aftercare", args=[pk])


@pytest.mark.parametrize(
    "name", ["scheduling:request-create", "treatments:my-courses", "integration:mood-edit"]
)
def test_a_link_without_arguments_is_the_reversed_one(name: str) -> None:
    assert url_for(name) == reverse(name)
    assert url_for(name) == reverse(name)  # the remembered answer too


def test_the_template_tag_prints_the_reversed_link() -> None:
    rendered = Template("{% load portal_links %}{% link 'portal:profile-edit' %}").render(Context())
    assert rendered == reverse("portal:profile-edit")


def test_a_swapped_urlconf_is_not_answered_from_memory(settings: Any) -> None:
    profile, aftercare = url_for("portal:profile-edit"), url_for_ids("treatments:aftercare")(5)
    assert (profile, aftercare) == (
        reverse("portal:profile-edit"),
        reverse("treatments:aftercare", args=[5]),
    )
    settings.ROOT_URLCONF = "tests.portal.prefixed_urls"
    assert url_for("portal:profile-edit") == "/p" + profile
    assert url_for_ids("treatments:aftercare")(5) == "/p" + aftercare


def test_an_asset_is_what_the_static_tag_prints() -> None:
    path = "css/portal.css"
    assert static_url(path) == static(path)
    rendered = Template("{% load portal_links %}{% asset 'css/portal.css' %}").render(Context())
    assert rendered == static(path)


def test_a_changed_static_url_is_not_answered_from_memory(settings: Any) -> None:
    static_url("css/portal.css")
    settings.STATIC_URL = "/assets/"
    assert static_url("css/portal.css") == "/assets/css/portal.css"
