"""Forms of the treatments pages. They check shapes; the services check the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from intake.modalities import Modality
from portal.models import Location, Role, User
from treatments.models import DosingSession, Level, ProtocolTemplate, SleepQuality
from treatments.services import SECTION_FIELDS, ChartSection

YES_NO = [(True, _("Yes")), (False, _("No"))]


class CourseStartForm(forms.Form):
    modality = forms.ChoiceField(choices=[])
    protocol = forms.ModelChoiceField(
        queryset=ProtocolTemplate.objects.filter(is_active=True),
        required=False,
        help_text="Leave empty for the clinic's standard protocol of this modality.",
    )
    start_date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    booster_interval_days = forms.IntegerField(
        min_value=1,
        max_value=180,
        help_text="Days between boosters once the course reaches maintenance.",
    )
    location = forms.ModelChoiceField(
        queryset=Location.objects.filter(is_active=True), required=False
    )
    confirm_concurrent = forms.BooleanField(
        required=False,
        label="I confirm this patient starts a second dosing course while another is open",
    )
    concurrent_reason = forms.CharField(
        required=False,
        max_length=300,
        label="Why both courses run at once",
        help_text="Needed only while another dosing course of this patient is open.",
    )

    def __init__(self, *args: Any, modalities: frozenset[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["modality"].choices = [
            (m.value, m.label) for m in Modality if m.value in modalities
        ]


class BoosterIntervalForm(forms.Form):
    interval_days = forms.IntegerField(min_value=1, max_value=180, label="Booster every (days)")


class CourseStopForm(forms.Form):
    reason = forms.CharField(max_length=300)


class SeriesScheduleForm(forms.Form):
    location = forms.ModelChoiceField(queryset=Location.objects.filter(is_active=True))
    clinician = forms.ModelChoiceField(
        queryset=User.objects.filter(role=Role.CLINICIAN, is_active=True).order_by("full_name"),
        required=False,
        help_text="Leave empty for whoever is free.",
    )


class _ChartForm(forms.ModelForm):
    section = forms.CharField(widget=forms.HiddenInput)


def _yes_no(label: str | Promise) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=YES_NO,
        coerce=lambda v: v in (True, "True", "true", "1"),
        widget=forms.RadioSelect,
    )


class PreDoseForm(_ChartForm):
    fasted = _yes_no("Nothing to eat for 2 hours (and no liquids for 30 minutes)?")
    no_alcohol_or_substances = _yes_no("No alcohol, cannabis or other substances today?")

    class Meta:
        model = DosingSession
        fields = list(SECTION_FIELDS[ChartSection.PRE_DOSE])
        labels = {
            "pre_systolic": "Blood pressure, systolic",
            "pre_diastolic": "Blood pressure, diastolic",
            "pre_heart_rate": "Heart rate",
            "pre_spo2": "SpO2 (%)",
            "nasal_spray_timing_ok": "Nasal decongestant/steroid at least 1 h before (Spravato)",
            "high_bp_reason": "Reason to go on despite a high blood pressure",
        }
        widgets = {"high_bp_reason": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("pre_systolic", "pre_diastolic", "pre_heart_rate", "pre_spo2"):
            self.fields[name].required = True
        if self.instance.modality != Modality.SPRAVATO:
            del self.fields["nasal_spray_timing_ok"]


class DoseForm(_ChartForm):
    class Meta:
        model = DosingSession
        fields = list(SECTION_FIELDS[ChartSection.DOSE])
        labels = {
            "weight_kg": "Weight (kg)",
            "dose_mg_per_kg": "Dose (mg/kg)",
            "total_mg": "Total dose (mg)",
            "spravato_dose_mg": "Spravato dose",
            "kap_route": "Route",
        }

    BY_MODALITY = {
        Modality.IV: ("weight_kg", "dose_mg_per_kg", "total_mg"),
        Modality.SPRAVATO: ("spravato_dose_mg", "device_count", "lot_number"),
        Modality.KAP: ("total_mg", "kap_route"),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        keep = {*self.BY_MODALITY.get(self.instance.modality, ()), "section"}
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]


class Bp40Form(_ChartForm):
    """The Spravato REMS reading at about 40 minutes: stamped by the server when saved."""

    class Meta:
        model = DosingSession
        fields = list(SECTION_FIELDS[ChartSection.BP40])
        labels = {
            "bp40_systolic": "Blood pressure at about 40 minutes, systolic",
            "bp40_diastolic": "Blood pressure at about 40 minutes, diastolic",
            "bp40_late_reason": "Why the reading is late (only past the window)",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["bp40_systolic"].required = True
        self.fields["bp40_diastolic"].required = True


class ReadyForm(_ChartForm):
    """ "Ready to leave now": sedation, dissociation and breathing back to normal."""

    class Meta:
        model = DosingSession
        fields: list[str] = []


class MonitoringForm(_ChartForm):
    class Meta:
        model = DosingSession
        fields = list(SECTION_FIELDS[ChartSection.MONITORING])
        labels = {
            "non_benzo_hypnotic": "Non-benzodiazepine sleep medicine",
            "maoi": "MAOI",
        }
        widgets = {"adverse_events": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.modality != Modality.SPRAVATO:
            for name in (
                "benzodiazepine",
                "opioid",
                "non_benzo_hypnotic",
                "psychostimulant",
                "maoi",
            ):
                del self.fields[name]


class DischargeChecksForm(_ChartForm):
    class Meta:
        model = DosingSession
        fields = list(SECTION_FIELDS[ChartSection.DISCHARGE])
        labels = {
            "dis_systolic": "Pre-discharge blood pressure, systolic",
            "dis_diastolic": "Pre-discharge blood pressure, diastolic",
            "dis_heart_rate": "Pre-discharge heart rate",
            "dis_spo2": "Pre-discharge SpO2 (%)",
            "escort_name": "Responsible adult driving home: name",
            "escort_phone": "Responsible adult: phone",
            "escort_confirmed": "The responsible adult is here (or on the way) and confirmed",
            "aftercare_reviewed": "Aftercare checklist gone through with the patient",
        }


CHART_FORMS: dict[str, type[_ChartForm]] = {
    "pre_dose": PreDoseForm,
    "dose": DoseForm,
    "bp40": Bp40Form,
    "monitoring": MonitoringForm,
    "ready": ReadyForm,
    "discharge": DischargeChecksForm,
}


class DoseTimeCorrectionForm(forms.Form):
    """Move the server's dose stamp back (the button was pressed late), with a reason."""

    section = forms.CharField(widget=forms.HiddenInput, initial="correct_time")
    corrected_at = forms.DateTimeField(
        label="The dose was actually given at",
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    reason = forms.CharField(max_length=300, label="Why the time is corrected")


class RemsSubmitForm(forms.Form):
    confirmation_reference = forms.CharField(
        max_length=60, required=False, label="REMS confirmation number (if given)"
    )


class AftercareAckForm(forms.Form):
    items = forms.TypedMultipleChoiceField(
        coerce=int, widget=forms.CheckboxSelectMultiple, label=_("I have read and understood")
    )

    def __init__(self, *args: Any, item_choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["items"].choices = item_choices


class CheckinForm(forms.Form):
    nausea = forms.ChoiceField(
        choices=Level.choices, widget=forms.RadioSelect, label=_("Nausea since your session")
    )
    dizziness = forms.ChoiceField(
        choices=Level.choices, widget=forms.RadioSelect, label=_("Dizziness since your session")
    )
    bp_concern = _yes_no(_("Are you worried about your blood pressure (headache, chest pain)?"))
    self_harm_thoughts = _yes_no(_("Have you had thoughts of harming yourself?"))
    sleep = forms.ChoiceField(
        choices=SleepQuality.choices, widget=forms.RadioSelect, label=_("How did you sleep?")
    )
    lingering_effects = _yes_no(
        _(
            "Do you still feel any effects (drowsy, foggy, unsteady, seeing or hearing things "
            "differently)?"
        )
    )


class EscortForm(forms.Form):
    name = forms.CharField(max_length=150, label=_("Their name"))
    phone = forms.CharField(max_length=30, label=_("Their mobile number"))
    relationship = forms.CharField(
        max_length=60, label=_("Who they are to you"), help_text=_("Partner, friend, parent ...")
    )
    consent_to_text = forms.BooleanField(
        required=False,
        label=_("The clinic may text them when I am ready to be picked up (time and place only)."),
    )


class ReadinessForm(forms.Form):
    ride_confirmed = _yes_no(_("Is your ride home confirmed?"))
    fasting_understood = _yes_no(_("Do you understand the plan for eating and drinking before?"))
    new_benzodiazepine = _yes_no(
        _("Have you started a new benzodiazepine (such as lorazepam, alprazolam, diazepam)?")
    )
    new_opioid = _yes_no(_("Have you started a new opioid pain medicine?"))
    new_stimulant = _yes_no(_("Have you started a new stimulant (such as an ADHD medicine)?"))
    feeling_unwell = _yes_no(_("Are you feeling unwell (fever, cold, stomach upset)?"))
    nasal_spray_timing_understood = forms.TypedChoiceField(
        label=_("Will you use any nasal decongestant or steroid spray at least 1 hour before?"),
        choices=[(True, _("Yes, or I don't use one")), (False, _("No / not sure"))],
        coerce=lambda v: v in (True, "True", "true", "1"),
        widget=forms.RadioSelect,
        required=False,
        empty_value=None,
    )

    def __init__(self, *args: Any, spravato: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if spravato:
            self.fields["nasal_spray_timing_understood"].required = True
        else:
            del self.fields["nasal_spray_timing_understood"]


class ReadinessOverrideForm(forms.Form):
    reason = forms.CharField(
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Why the dose goes ahead despite the evening check",
    )
