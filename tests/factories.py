"""factory_boy factories for the portal's people. Apps add their own in tests/<app>/factories.py."""

from __future__ import annotations

import datetime as dt

import factory
from allauth.account.models import EmailAddress

from portal.models import ClinicianKind, Location, PatientProfile, Role, User

TEST_PASSWORD = "correct-horse-battery-9"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.test")
    full_name = factory.Faker("name")
    role = Role.PATIENT

    @factory.post_generation
    def password(self, create: bool, extracted: str | None, **kwargs: object) -> None:
        self.set_password(extracted or TEST_PASSWORD)
        if create:
            self.save(update_fields=["password"])

    @factory.post_generation
    def verified_email(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)


class PatientProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PatientProfile

    legal_name = factory.Faker("name")
    preferred_name = factory.Faker("first_name")
    date_of_birth = dt.date(1985, 6, 15)
    phone = "(916) 555-0142"
    emergency_contact_name = factory.Faker("name")
    emergency_contact_phone = "(916) 555-0143"
    preferred_location = factory.LazyFunction(lambda: Location.objects.order_by("name").first())


class PatientFactory(UserFactory):
    role = Role.PATIENT
    profile = factory.RelatedFactory(PatientProfileFactory, factory_related_name="user")


class FrontDeskFactory(UserFactory):
    role = Role.FRONT_DESK


class ClinicianFactory(UserFactory):
    role = Role.CLINICIAN
    clinician_kind = ClinicianKind.PRESCRIBER


class ClinicAdminFactory(UserFactory):
    """A daily clinic admin: staff in the Django admin, never a superuser."""

    role = Role.CLINIC_ADMIN
    is_staff = True
