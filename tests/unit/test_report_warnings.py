"""The banners above the report: synthetic data and stale data are said before any figure."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from pipelines.reports.content import STALE_AFTER_DAYS, report_warnings

AS_AT = date(2025, 1, 16)


def test_real_and_fresh_data_get_no_banner():
    assert report_warnings(AS_AT, AS_AT + timedelta(days=20), synthetic=False) == []


def test_synthetic_data_is_said_to_be_synthetic():
    (banner,) = report_warnings(AS_AT, AS_AT + timedelta(days=20), synthetic=True)
    assert banner.startswith("Synthetic data")


def test_the_default_sample_read_today_gets_both_banners():
    synthetic, stale = report_warnings(AS_AT, date(2026, 12, 3), synthetic=True)
    assert synthetic.startswith("Synthetic data")
    assert "686 days before" in stale and "16 January 2025" in stale and "3 December 2026" in stale


@given(st.integers(min_value=0, max_value=3000))
def test_data_is_stale_exactly_when_older_than_two_monthly_deliveries(age):
    warnings = report_warnings(AS_AT, AS_AT + timedelta(days=age), synthetic=False)
    assert bool(warnings) == (age > STALE_AFTER_DAYS)
