"""The portal's core data: people (User, PatientProfile) and places (Location)."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar, Self

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Func, Value
from django.db.models.functions import Cast, Concat, LPad, Upper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.languages import PATIENT_LANGUAGES


class TimeStamped(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class ClinicSettingsBase(TimeStamped):
    """A one-row table of numbers the clinic may change in the admin (thresholds, windows).

    Each app that owns such numbers subclasses this, seeds the row in a migration with
    the domain's defaults, and reads it with `Model.load()`.
    """

    singleton_id = models.PositiveSmallIntegerField(default=1, unique=True, editable=False)

    class Meta:
        abstract = True

    @classmethod
    def load(cls) -> Self:
        obj, _ = cls.objects.get_or_create(singleton_id=1)
        return obj


class Role(models.TextChoices):
    PATIENT = "patient", "Patient"
    FRONT_DESK = "front_desk", "Front desk"
    CLINICIAN = "clinician", "Clinician"
    CLINIC_ADMIN = "clinic_admin", "Clinic admin"


STAFF_ROLES = frozenset({Role.FRONT_DESK, Role.CLINICIAN, Role.CLINIC_ADMIN})


class ClinicianKind(models.TextChoices):
    """What a clinician may do (portal/permissions.py KIND_GRANTS), not their title."""

    PRESCRIBER = "prescriber", "Prescriber"
    NURSE = "nurse", "Nurse"
    THERAPIST = "therapist", "Therapist"


class Credential(models.TextChoices):
    MD = "MD", "MD"
    DO = "DO", "DO"
    NP = "NP", "Nurse practitioner (NP)"
    PA = "PA", "Physician assistant (PA)"
    RN = "RN", "Registered nurse (RN)"
    LVN = "LVN", "Licensed vocational nurse (LVN)"
    LMFT = "LMFT", "LMFT"
    LCSW = "LCSW", "LCSW"
    PSYCHOLOGIST = "psychologist", "Psychologist"


# Which credentials fit which kind (the user's clean() and a database constraint check it).
CREDENTIALS_BY_KIND: dict[str, frozenset[str]] = {
    ClinicianKind.PRESCRIBER: frozenset(
        {Credential.MD, Credential.DO, Credential.NP, Credential.PA}
    ),
    ClinicianKind.NURSE: frozenset({Credential.RN, Credential.LVN}),
    ClinicianKind.THERAPIST: frozenset({Credential.LMFT, Credential.LCSW, Credential.PSYCHOLOGIST}),
}


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **extra: Any) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("role", Role.PATIENT)
        return self._create(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.update(role=Role.CLINIC_ADMIN, is_staff=True, is_superuser=True)
        return self._create(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """Anyone who logs in. Email is the login; the role decides what they may open."""

    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=150, blank=True)
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.PATIENT)
    clinician_kind = models.CharField(
        max_length=30,
        choices=ClinicianKind.choices,
        blank=True,
        help_text="For clinicians only: prescriber, nurse or therapist (decides their rights).",
    )
    credential = models.CharField(
        max_length=20,
        choices=Credential.choices,
        blank=True,
        help_text="For clinicians only: MD, DO, NP, PA (prescriber); RN, LVN (nurse); "
        "LMFT, LCSW, psychologist (therapist).",
    )
    is_active = models.BooleanField(default=True)
    # Django admin access only; portal access is decided by `role` in portal/permissions.py.
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        indexes = [
            # Staff search by email (part of an address, any case).
            GinIndex(OpClass(Upper("email"), name="gin_trgm_ops"), name="user_email_trgm"),
        ]
        constraints = [
            models.CheckConstraint(
                name="user_clinician_kind_only_for_clinicians",
                condition=models.Q(clinician_kind="") | models.Q(role=Role.CLINICIAN),
            ),
            models.CheckConstraint(
                name="user_credential_fits_kind",
                condition=models.Q(credential="")
                | models.Q(
                    clinician_kind=ClinicianKind.PRESCRIBER,
                    credential__in=sorted(CREDENTIALS_BY_KIND[ClinicianKind.PRESCRIBER]),
                )
                | models.Q(
                    clinician_kind=ClinicianKind.NURSE,
                    credential__in=sorted(CREDENTIALS_BY_KIND[ClinicianKind.NURSE]),
                )
                | models.Q(
                    clinician_kind=ClinicianKind.THERAPIST,
                    credential__in=sorted(CREDENTIALS_BY_KIND[ClinicianKind.THERAPIST]),
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        # Only a patient's profile is looked up (staff have none: no query for them).
        is_patient = self.role == Role.PATIENT
        profile = self.patient_profile if is_patient and hasattr(self, "patient_profile") else None
        return display_name_from(
            role=self.role,
            email=self.email,
            full_name=self.full_name,
            profile_names=(profile.preferred_name, profile.legal_name) if profile else None,
        )

    @property
    def is_patient(self) -> bool:
        return self.role == Role.PATIENT

    @property
    def is_clinic_staff(self) -> bool:
        return self.role in STAFF_ROLES

    def clean(self) -> None:
        if self.clinician_kind and self.role != Role.CLINICIAN:
            raise ValidationError({"clinician_kind": "Only clinicians have a clinician kind."})
        if self.credential and self.credential not in CREDENTIALS_BY_KIND.get(
            self.clinician_kind, frozenset()
        ):
            raise ValidationError({"credential": "This credential does not fit the kind."})


def display_name_from(
    *, role: str, email: str, full_name: str, profile_names: tuple[str, str] | None
) -> str:
    """How the portal names a person: a patient by their preferred or legal name (from
    their profile, when they have one), anyone else by their full name, else the email.
    Plain values in, so pages that read rows as columns name people the same way."""
    if role == Role.PATIENT and profile_names is not None:
        preferred, legal = profile_names
        return preferred or legal or email
    return full_name or email


# The columns display_name_from needs, as `.values()` lookups from a user.
PERSON_FIELDS = (
    "role",
    "full_name",
    "email",
    "patient_profile__id",
    "patient_profile__preferred_name",
    "patient_profile__legal_name",
    # What staff read beside a name (portal.identity): birth date and chart number.
    "patient_profile__date_of_birth",
    "patient_profile__chart_number",
)


def name_from_columns(
    role: str,
    email: str,
    full_name: str,
    profile_id: int | None,
    preferred_name: str | None,
    legal_name: str | None,
) -> str:
    """display_name_from for a row's name columns: role, email, full name, and the
    profile's id, preferred and legal names (None without a profile)."""
    return display_name_from(
        role=role,
        email=email,
        full_name=full_name,
        profile_names=None if profile_id is None else (preferred_name or "", legal_name or ""),
    )


def person_name(values: dict[str, Any], prefix: str) -> str:
    """display_name_from for a `.values()` row that read `prefix` + PERSON_FIELDS."""
    has_profile = values[f"{prefix}patient_profile__id"] is not None
    return display_name_from(
        role=values[f"{prefix}role"],
        email=values[f"{prefix}email"],
        full_name=values[f"{prefix}full_name"],
        profile_names=(
            values[f"{prefix}patient_profile__preferred_name"],
            values[f"{prefix}patient_profile__legal_name"],
        )
        if has_profile
        else None,
    )


class Location(TimeStamped):
    """A clinic site (Sacramento, Folsom, Roseville). Clinic data, edited in the admin."""

    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    address = models.CharField(max_length=200)
    phone = models.CharField(max_length=30)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


def profile_is_complete(
    *,
    legal_name: str,
    date_of_birth: dt.date | None,
    phone: str,
    emergency_contact_name: str,
    emergency_contact_phone: str,
) -> bool:
    """What the clinic needs before a first visit: legal name, date of birth, phone and
    an emergency contact with a number. Plain values in, for reads that take columns."""
    return all([legal_name, date_of_birth, phone, emergency_contact_name, emergency_contact_phone])


# Chart numbers come from one PostgreSQL sequence (made by migration portal 0007), so two
# sign-ups at once never get the same number and none is reused.
CHART_NUMBER_SEQUENCE = "portal_patientprofile_chart_number_seq"


def next_chart_number() -> Concat:
    """The database default of PatientProfile.chart_number: "C-" and the next number of
    the sequence, zero-padded to six digits ("C-000123")."""
    return Concat(
        Value("C-"),
        LPad(
            Cast(Func(Value(CHART_NUMBER_SEQUENCE), function="nextval"), models.TextField()),
            6,
            Value("0"),
        ),
        output_field=models.CharField(),
    )


def phone_digits(field: str) -> Func:
    """A phone column with everything but its digits taken out ("(916) 555-0142" ->
    "9165550142"): what search compares, whatever way the number was typed."""
    return Func(
        F(field),
        Value(r"\D"),
        Value(""),
        Value("g"),
        function="regexp_replace",
        output_field=models.CharField(),
    )


# The languages a patient may read the portal and their messages in (Language.ENGLISH,
# Language.SPANISH): made from portal.languages, as settings.LANGUAGES is, so the two
# cannot drift apart.
Language = models.TextChoices(
    "Language", [(member, (code, name)) for member, code, name in PATIENT_LANGUAGES]
)


class PatientProfile(TimeStamped):
    """Who the patient is, beyond their login: names, birth date, how to reach them."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="patient_profile")
    # The clinic's chart number: given by the database when the profile is made (at
    # sign-up), unique, never edited; staff read and search it beside the name.
    chart_number = models.CharField(
        max_length=20, unique=True, editable=False, db_default=next_chart_number()
    )
    legal_name = models.CharField(max_length=150, blank=True)
    preferred_name = models.CharField(max_length=80, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    phone = models.CharField(max_length=30, blank=True)
    emergency_contact_name = models.CharField(max_length=150, blank=True)
    emergency_contact_phone = models.CharField(max_length=30, blank=True)
    preferred_location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Pages after sign-in, emails, texts and calendar files are in this language
    # (portal.i18n); chosen before sign-up, changed on the profile page.
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=Language.choices,
        default=Language.ENGLISH,
        db_default="en",
    )

    class Meta:
        indexes = [
            # Staff search (portal.selectors.patient_search): names and phone digits by
            # trigram (LIKE '%...%' and similarity use these), birth date exactly.
            GinIndex(OpClass(Upper("legal_name"), name="gin_trgm_ops"), name="profile_legal_trgm"),
            GinIndex(
                OpClass(Upper("preferred_name"), name="gin_trgm_ops"),
                name="profile_preferred_trgm",
            ),
            GinIndex(OpClass(F("legal_name"), name="gin_trgm_ops"), name="profile_legal_sim_trgm"),
            GinIndex(
                OpClass(phone_digits("phone"), name="gin_trgm_ops"), name="profile_phone_trgm"
            ),
            models.Index(fields=["date_of_birth"], name="profile_birth_date"),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.preferred_name or self.legal_name or self.user.email

    @property
    def is_complete(self) -> bool:
        return profile_is_complete(
            legal_name=self.legal_name,
            date_of_birth=self.date_of_birth,
            phone=self.phone,
            emergency_contact_name=self.emergency_contact_name,
            emergency_contact_phone=self.emergency_contact_phone,
        )

    def age_on(self, day: dt.date) -> int | None:
        if self.date_of_birth is None:
            return None
        born = self.date_of_birth
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


class StaffInvitation(TimeStamped):
    """How a staff account starts: an emailed link that works once, until `expires_at`,
    to set the password and enrol the authenticator together (portal.services). Only
    the token's SHA-256 is kept; the account has no usable password until then."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="invitations")
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    invited_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Invitation for {self.user.email}"

    def is_open(self, now: dt.datetime) -> bool:
        return self.used_at is None and now < self.expires_at


# The audit model lives in portal/audit.py beside its helper; importing it here is how
# Django finds it.
from portal.audit import AuditEvent  # noqa: E402

__all__ = [
    "CREDENTIALS_BY_KIND",
    "STAFF_ROLES",
    "AuditEvent",
    "ClinicSettingsBase",
    "ClinicianKind",
    "Credential",
    "Location",
    "PatientProfile",
    "Role",
    "StaffInvitation",
    "TimeStamped",
    "User",
]
