"""url_for_ids gives exactly what reverse() gives, for every id."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from portal.links import url_for_ids


@pytest.mark.parametrize("pk", [1, 7, 42, 2_147_483_646, 10**12])
def test_a_spliced_link_is_the_reversed_one(pk: int) -> None:
    by_kwarg = url_for_ids("intake:review-detail", "intake_id")
    by_arg = url_for_ids("treatments:aftercare")
    assert by_kwarg(pk) == reverse("intake:review-detail", kwargs={"intake_id": pk})
    assert by_arg(pk) == reverse("treatments:aftercare", args=[pk])


def test_a_swapped_urlconf_is_not_answered_from_memory(settings: Any) -> None:
    aftercare = url_for_ids("treatments:aftercare")(5)
    assert aftercare == reverse("treatments:aftercare", args=[5])
    settings.ROOT_URLCONF = "tests.portal.prefixed_urls"
    assert url_for_ids("treatments:aftercare")(5) == "/p" + aftercare
