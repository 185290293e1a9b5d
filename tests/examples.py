"""docs/rules.md's worked examples, entered through the app's forms as a person would."""

from datetime import date

from tests.helpers import add_cpt, image_bytes, log_activity, pdf_bytes


def job(client, credential_id, title, started_on, ended_on=None, fraction="1", files=()):
    """Log an employment period; no end date means "still employed". A job that started
    before the certification is warned about; the person saves it anyway."""
    fields = {"category": "E", "title": title, "started_on": started_on, "fraction": fraction,
              "completed_on": "", "quantity": "", "save_anyway": "y"}
    if ended_on:
        fields["ended_on"] = ended_on
    else:
        fields["still_employed"] = "y"
    return log_activity(client, credential_id, files=files, **fields)


def example_a(app, client, with_proof: bool = False) -> int:
    """Certified 2022-03-15, today 2026-11-24: complete with 128 of 100 points, reached on
    2025-04-02 (spec version 2: the job's months accrue one by one)."""
    app.config["TODAY"] = date(2026, 11, 24)
    cpt = add_cpt(client, "2022-03-15")
    for title, category, day, quantity in [
        ("Before the cycle", "CE-TRAINING", "2021-12-01", "8"),
        ("Safety course", "CE-TRAINING", "2022-06-01", "10"),
        ("Statistics", "CE-CREDIT", "2023-05-20", "3"),
        ("Forklift certification", "IC", "2024-09-10", "1"),
        ("Robotics coaching", "X", "2025-04-02", "30"),
    ]:
        files = [(f"{title}.pdf", pdf_bytes())] if with_proof else []
        # The course before the cycle and 30 hours on one day are warned about: the person
        # checks them and saves anyway.
        log_activity(client, cpt, title=title, category=category, completed_on=day,
                     quantity=quantity, files=files, save_anyway="y")
    job(client, cpt, "Line operator", "2022-03-15", "2026-03-14",
        files=[("letter.png", image_bytes())] if with_proof else [])
    return cpt


def example_b(app, client) -> int:
    """Certified 2024-02-29, today 2026-11-24: behind with 38 points."""
    app.config["TODAY"] = date(2026, 11, 24)
    cpt = add_cpt(client, "2024-02-29")
    log_activity(client, cpt, title="Lean basics", completed_on="2024-06-01", quantity="12")
    log_activity(client, cpt, category="CE-NONCREDIT", title="Blueprints",
                 completed_on="2025-01-15", quantity="6")
    log_activity(client, cpt, category="X", title="Mentoring", completed_on="2025-08-01",
                 quantity="25")
    return cpt
