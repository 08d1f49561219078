"""R26: an upheld objection to legitimate interest switches its purpose off for that customer, one effect per
purpose (audience measurement, fraud prevention, service improvement); a refused one changes nothing."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from accounts.fraud import order_fraud_screen
from accounts.models import Order, ProcessingObjection, Survey
from accounts.services_surveys import survey_answer_record, survey_results
from privacy.models import ConsentRecord, Purpose
from privacy.models.requests import Kind
from privacy.services.requests import request_complete, request_file, request_start
from tests import factories

PARIS = ZoneInfo("Europe/Paris")


def _objection(customer, scope, *, upheld):
    with time_machine.travel(datetime(2026, 2, 1, 10, tzinfo=PARIS), tick=False):
        req = request_file(
            kind=Kind.OBJECTION, channel="client_area", customer=customer, actor=customer, objection_scope=scope
        )
        req = request_start(req, actor=None)
        answer = "Upheld." if upheld else "Refused: compelling grounds (chargebacks on this account)."
        return request_complete(req, actor=None, response=answer, objection_upheld=upheld)


def _burst(customer, n=6):
    now = datetime(2026, 3, 1, 12, tzinfo=PARIS)
    return [
        factories.OrderFactory(customer=customer, status=Order.Status.PENDING, created_at=now - timedelta(minutes=i))
        for i in range(n)
    ][0]


@pytest.fixture
def velocity(settings):
    settings.FRAUD_SCREENING = True
    settings.FRAUD_VELOCITY_MAX_ORDERS = 3
    settings.FRAUD_VELOCITY_WINDOW_MINUTES = 10


@pytest.mark.django_db
def test_upheld_audience_measurement_refuses_analytics_and_is_recorded(alice):
    _objection(alice, "audience_measurement", upheld=True)

    assert ConsentRecord.objects.filter(customer=alice, purpose=Purpose.ANALYTICS, granted=False).exists()
    row = ProcessingObjection.objects.get(customer=alice)
    assert row.purpose == "audience_measurement" and row.request_reference


@pytest.mark.django_db
def test_upheld_fraud_prevention_stops_the_fraud_scoring_of_her_orders(alice, velocity):
    assert order_fraud_screen(order=_burst(factories.CustomerFactory())) is not None  # the rule works

    _objection(alice, "fraud_prevention", upheld=True)

    order = _burst(alice)
    assert order_fraud_screen(order=order) is None
    order.refresh_from_db()
    assert not order.automated_decision


@pytest.mark.django_db
def test_refused_fraud_prevention_objection_keeps_the_scoring(alice, velocity):
    _objection(alice, "fraud_prevention", upheld=False)

    assert not ProcessingObjection.objects.filter(customer=alice).exists()
    assert order_fraud_screen(order=_burst(alice)) is not None


@pytest.mark.django_db
def test_upheld_service_improvement_leaves_her_survey_answers_out_of_the_results(alice, bob):
    survey = Survey.objects.create(title="How was support?")
    survey_answer_record(survey=survey, customer=alice, answers={"Rating": "2"})
    survey_answer_record(survey=survey, customer=bob, answers={"Rating": "5"})
    assert survey_results(survey=survey) == {"Rating": {"2": 1, "5": 1}}

    _objection(alice, "service_improvement", upheld=True)
    # Answers given after the objection are left out too.
    survey_answer_record(survey=survey, customer=alice, answers={"Rating": "1"})

    assert survey_results(survey=survey) == {"Rating": {"5": 1}}
    # Her answers are still hers: held, shown and exported until she or the rules erase them.
    assert alice.survey_answers.count() == 2


@pytest.mark.django_db
def test_each_purpose_switches_off_only_itself(alice, velocity):
    survey = Survey.objects.create(title="Features")
    survey_answer_record(survey=survey, customer=alice, answers={"Wish": "IPv6"})

    _objection(alice, "service_improvement", upheld=True)

    assert order_fraud_screen(order=_burst(alice)) is not None
    assert not ConsentRecord.objects.filter(customer=alice, purpose=Purpose.ANALYTICS).exists()
    assert survey_results(survey=survey) == {}
