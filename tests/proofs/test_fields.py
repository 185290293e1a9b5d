"""The reading rules: a certificate's text into title, provider, date, hours and kind."""

from datetime import date
from decimal import Decimal

import pytest

from tracker.proofs.fields import Fields, read_text


@pytest.mark.parametrize(("written", "hours"), [
    ("8 hours", "8"), ("8.0 contact hours", "8"), ("Hours: 6", "6"), ("16 clock hrs", "16"),
    ("30-Hour Construction Safety", "30"), ("6.5 PDH", "6.5"), ("Duration: 4 hours", "4"),
    ("80 academic hours", "80"),
])
def test_hours_are_read_in_each_form(written, hours):
    found = read_text(f"Forklift Safety\n{written}\nAugust 10, 2025")
    assert (found.quantity, found.kind) == (Decimal(hours), "training")


@pytest.mark.parametrize(("written", "hours"), [
    ("0.8 CEU", "8"), ("0.8 CEUs", "8"), ("1.5 Continuing Education Units", "15"),
    ("CEUs: 2.4", "24"),
])
def test_a_ceu_is_ten_contact_hours(written, hours):
    assert str(read_text(f"Lean Basics\n{written}").quantity) == hours


def test_hours_written_beside_ceus_are_taken_as_they_are():
    assert read_text("ISO Auditor\n24 contact hours (2.4 CEUs)").quantity == Decimal(24)


def test_credits_counted_in_contact_hours_are_hours():
    found = read_text("Hydraulics Webinar\nDate: September 30, 2024 Credits: 2 contact hours")
    assert (found.quantity, found.kind) == (Decimal(2), "training")


@pytest.mark.parametrize("written", ["3 credit hours", "3.0 semester credit hours",
                                     "Credit hours: 3", "3 credits"])
def test_credit_hours_make_a_college_course_for_credit(written):
    found = read_text(f"Statistics for Technicians\n{written}\nDecember 13, 2024")
    assert (found.kind, found.quantity) == ("college-credit", Decimal(3))


def test_quarter_credits_are_two_thirds_of_semester_credits():
    assert read_text("Welding I\n6 quarter credit hours").quantity == Decimal(4)


def test_a_transcript_line_gives_the_course_and_its_credit_hours():
    text = ("Central Ohio Community College\nCourse Title Term Credit Hours Grade\n"
            "MFG 110 Blueprint Reading Fall 2023 3.0 A\nDate completed: 12/15/2023")
    found = read_text(text)
    assert (found.title, found.quantity, found.kind) == (
        "Blueprint Reading", Decimal(3), "college-credit")
    assert found.provider == "Central Ohio Community College"


def test_an_employment_letter_gives_the_job_its_period_and_whole_months():
    text = ("Acme Precision Manufacturing, Inc.\nTo whom it may concern:\n"
            "This letter confirms that David Kim has been employed by Acme Precision "
            "Manufacturing, Inc. as a CNC Machine Operator from March 1, 2021 to June 30, 2024.")
    found = read_text(text)
    assert found.kind == "job"
    assert (found.started_on, found.completed_on) == (date(2021, 3, 1), date(2024, 6, 30))
    assert found.quantity == Decimal(40)
    assert found.title == "CNC Machine Operator"
    assert found.provider == "Acme Precision Manufacturing, Inc."


def test_a_period_of_months_runs_from_the_first_day_to_the_last():
    found = read_text("Riverside Foods Co.\nRosa Diaz worked for Riverside Foods Co. as a "
                      "Packaging Line Lead, January 2019 - December 2022.")
    assert (found.started_on, found.completed_on) == (date(2019, 1, 1), date(2022, 12, 31))
    assert (found.quantity, found.provider) == (Decimal(48), "Riverside Foods Co.")


def test_the_title_follows_has_completed_and_is_never_the_person_or_the_heading():
    text = ("Certificate of Completion\nThis certifies that\nMaria Lopez\n"
            "has successfully completed\nForklift Operator Safety Training\n8 hours")
    assert read_text(text).title == "Forklift Operator Safety Training"


def test_the_title_follows_a_course_label():
    text = "Participant: Ethan Brooks\nCourse: Arc Flash Safety (NFPA 70E)\nHours: 6"
    assert read_text(text).title == "Arc Flash Safety (NFPA 70E)"


def test_the_title_follows_awarded_to_the_person_in():
    text = ("Blue Ridge Community College\nWorkforce Development\nCertificate of Achievement\n"
            "is awarded to Tanya Brooks in\nIndustrial Electrical Maintenance\n45 clock hours")
    found = read_text(text)
    assert (found.title, found.provider, found.quantity) == (
        "Industrial Electrical Maintenance", "Blue Ridge Community College", Decimal(45))


def test_a_heading_without_an_organization_word_can_be_the_provider():
    text = ("American Red Cross\nVolunteer Services\nVolunteer Service Record\n"
            "Volunteer: Lisa Wong\nActivity: Blood Drive Support\nDate of service: 10/05/2024\n"
            "Hours: 5")
    found = read_text(text)
    assert (found.title, found.provider, found.kind) == (
        "Blood Drive Support", "American Red Cross", "volunteering")


def test_a_title_in_a_sentence_ends_where_the_sentence_goes_on():
    text = ("Thank you for attending the 2024 Advanced Manufacturing Conference, held in "
            "Detroit on October 3, 2024.")
    found = read_text(text)
    assert (found.title, found.kind) == ("2024 Advanced Manufacturing Conference",
                                         "conference")


def test_without_a_lead_the_title_is_the_line_naming_a_course():
    text = ("Certificate of Attendance\nMidwest Manufacturing Expo 2025\nAnthony Rivera "
            "attended 10 hours of education sessions\nMarch 5, 2025\nMetal Fabricators Alliance")
    found = read_text(text)
    assert (found.title, found.provider) == ("Midwest Manufacturing Expo 2025",
                                             "Metal Fabricators Alliance")
    assert (found.quantity, found.kind) == (Decimal(10), "conference")


@pytest.mark.parametrize("label", ["Issued by:", "Provider:", "Presented by:", "Sponsored by",
                                   "Hosted by:", "Company:"])
def test_the_provider_follows_its_label(label):
    text = f"Forklift Safety\n8 hours\n{label} Rivertown Technical Center"
    assert read_text(text).provider == "Rivertown Technical Center"


def test_the_provider_is_the_organization_of_the_signature_not_the_signer():
    text = "Forklift Safety\n8 hours\nDana Ruiz, Lead Instructor Midwest Safety Council"
    assert read_text(text).provider == "Midwest Safety Council"


def test_a_command_wins_over_the_department_heading_above_it():
    text = ("Department of the Army\nU.S. Army Medical Center of Excellence\n"
            "SPC Alicia Morgan has successfully completed the\nCombat Lifesaver Course\n40 hours")
    found = read_text(text)
    assert (found.title, found.provider) == ("Combat Lifesaver Course",
                                             "U.S. Army Medical Center of Excellence")


def test_the_provider_is_who_thanks_and_the_title_what_was_volunteered_for():
    text = ("Certificate of Appreciation\nLincoln High School thanks\nOmar Farouk\n"
            "for volunteering as a judge at the\nRegional STEM Fair\n6 hours on 3/22/2025")
    found = read_text(text)
    assert (found.title, found.provider, found.kind) == (
        "Regional STEM Fair", "Lincoln High School", "volunteering")


def test_a_labelled_organization_is_the_provider_without_its_label():
    text = "Confined Space Entry\nLength: 8 hours\nTrainer: Harbor Industrial Safety LLC"
    assert read_text(text).provider == "Harbor Industrial Safety LLC"


def test_specks_read_by_ocr_between_a_month_and_its_day_or_after_hours_are_dropped():
    found = read_text("Basic Hydraulics\n14. HOURS\nCompleted May'4, 2020")
    assert (found.quantity, found.completed_on) == (Decimal(14), date(2020, 5, 4))


def test_a_letter_is_from_its_letterhead():
    text = ("Springfield Habitat for Humanity\nMay 2, 2024\nTo whom it may concern:\n"
            "We thank Angela Brown for volunteering 16 hours at our Spring Home Build, which "
            "she completed on April 27, 2024.")
    found = read_text(text)
    assert (found.provider, found.title) == ("Springfield Habitat for Humanity",
                                             "Spring Home Build")
    assert (found.kind, found.quantity, found.completed_on) == (
        "volunteering", Decimal(16), date(2024, 4, 27))


def test_a_certification_awarded_counts_one():
    text = ("American Quality Institute\nBe it known that\nSamantha Reyes\nhas met the "
            "requirements and is hereby certified as a\nLean Six Sigma Green Belt\n"
            "Certification No. GB-2291 Awarded: 15 Jan 2025")
    found = read_text(text)
    assert (found.kind, found.quantity, found.title) == (
        "certification", Decimal(1), "Lean Six Sigma Green Belt")
    assert found.completed_on == date(2025, 1, 15)


def test_a_course_in_a_provider_named_summit_is_not_a_conference():
    assert read_text("Summit Electrical Training Center\nCourse: Arc Flash\nHours: 6"
                     ).kind == "training"


@pytest.mark.parametrize("text", ["", "\n \n", "|||"])
def test_empty_text_reads_as_nothing(text):
    assert read_text(text) == Fields()


def test_text_with_nothing_of_a_certificate_reads_nothing():
    found = read_text("lorem ipsum dolor sit amet")
    assert (found.completed_on, found.quantity, found.provider) == (None, None, None)
