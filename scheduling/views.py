"""Scheduling pages: the patient's requests and appointments, the front desk's queue."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from portal.permissions import Capability, require
from scheduling.selectors import appointments_for_patient, requests_for_patient


@require_GET
@require(Capability.PATIENT_SELF)
def appointment_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "scheduling/appointment_list.html",
        {
            "requests": list(requests_for_patient(patient=request.user)),
            "appointments": list(appointments_for_patient(patient=request.user)),
        },
    )
