"""factory_boy factories for the engine's rows. Later states are reached through services only."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import factory
from django.contrib.auth import get_user_model

from cases.choices import Nationality, Occupation, OfficeKind, Sex
from cases.models import Exercise, Membership, Office, Person

BEIJING = ZoneInfo("Asia/Shanghai")


class ExerciseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Exercise

    name = factory.Sequence(lambda n: f"Exercise {n}")
    clock = dt.datetime(1959, 3, 2, 9, 0, tzinfo=BEIJING)
    regime = "1958_marriage"


class OfficeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Office

    exercise = factory.SubFactory(ExerciseFactory)
    kind = OfficeKind.WORK_UNIT
    name = factory.Sequence(lambda n: f"Office {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    is_staff = True
    password = factory.PostGenerationMethodCall("set_password", "pw")

    @factory.post_generation
    def students(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            from cases.permissions import student_group

            self.groups.add(student_group())
            self.save()


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    exercise = factory.SubFactory(ExerciseFactory)
    user = factory.SubFactory(UserFactory)
    office = factory.SubFactory(OfficeFactory, exercise=factory.SelfAttribute("..exercise"))


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    exercise = factory.SubFactory(ExerciseFactory)
    name = factory.Sequence(lambda n: f"Person {n}")
    sex = Sex.MALE
    nationality = Nationality.HAN
    occupation = Occupation.OTHER
