"""one record: activities belong to the person, counted by kind

Before, an activity belonged to one held credential, in one of its rule set's categories.
Now it belongs to the person, with a kind from the shared list (tracker/rules/kinds.toml) and
its amount in the kind's unit; each rule set says where a kind counts, and `counting_choices`
keeps what the person chose per credential (another category, or leaving it out).

Nothing changes in any figure: each activity takes the kind that lands in its old category
(the amount converted back to the kind's unit), a choice of that category where the kind
lands elsewhere by default, and is left out of the person's other credentials, where it did
not count before. Closed cycles' snapshots keep their own copies and are not touched.

The mapping is frozen here as it stood in the 2026.1 rule sets, so that this migration gives
the same result whatever later rule-set versions say.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 19:01:17.452296
"""

from collections.abc import Sequence
from decimal import Decimal

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (rule set, category) -> the kinds that land there: (kind, category units per kind unit,
# whether the kind lands there by default), the agency's own points first, then those without
# a conversion. Frozen from the 2026.1 rule sets.
LANDINGS: dict[str, dict[str, list[tuple[str, str, bool]]]] = {
    "ascm-cpim": {
        "SEMINAR": [
            ("training", "1", True),
            ("conference", "1", True),
            ("college-noncredit", "1", True),
            ("college-credit", "15", True),
        ],
        "TEACHING": [("instructing", "1", True)],
        "MEMBERSHIP": [("membership", "1", True)],
        "EXAM": [("certification", "1", True)],
        "BOOK": [("reading", "1", True)],
        "MENTOR": [("mentoring", "1", True)],
    },
    "asq-cct": {
        "COURSE-HOURS": [
            ("training", "1", True),
            ("college-noncredit", "1", True),
            ("conference", "1", True),
        ],
        "COURSE-CEU": [("training", "0.1", False)],
        "COLLEGE": [("college-credit", "1", True)],
        "E": [("job", "1", True)],
        "CERT-OTHER": [("certification", "1", True)],
        "CERT-ASQ": [("certification", "1", False)],
        "MEETING": [("meeting", "1", True)],
        "TEACHING": [("instructing", "1", True)],
    },
    "isc2-cissp": {
        "A-EDUCATION": [
            ("training", "1", True),
            ("conference", "1", True),
            ("college-noncredit", "1", True),
            ("self-study", "1", True),
            ("college-credit", "15", True),
            ("reading", "5", True),
        ],
        "A-CONTRIBUTION": [
            ("instructing", "1", True),
            ("volunteering", "1", True),
            ("association", "1", True),
            ("publication", "10", True),
        ],
        "A-WORK": [("work-project", "1", True)],
        "B-EDUCATION": [
            ("training", "1", False),
            ("conference", "1", False),
            ("college-noncredit", "1", False),
            ("self-study", "1", False),
            ("college-credit", "15", False),
        ],
        "B-DEVELOPMENT": [
            ("self-study", "1", False),
            ("association", "1", False),
            ("reading", "5", False),
        ],
    },
    "mssc-clt": {
        "CE-CREDIT": [("college-credit", "1", True)],
        "CE-NONCREDIT": [("college-noncredit", "1", True)],
        "CE-TRAINING": [("training", "1", True), ("conference", "1", True)],
        "IC": [("certification", "1", True)],
        "E": [("job", "1", True)],
        "X": [("volunteering", "1", True), ("instructing", "1", True), ("association", "1", True)],
    },
    "mssc-cpt": {
        "CE-CREDIT": [("college-credit", "1", True)],
        "CE-NONCREDIT": [("college-noncredit", "1", True)],
        "CE-TRAINING": [("training", "1", True), ("conference", "1", True)],
        "IC": [("certification", "1", True)],
        "E": [("job", "1", True)],
        "X": [("volunteering", "1", True), ("instructing", "1", True), ("association", "1", True)],
    },
    "nate": {
        "SPECIALTY": [
            ("training", "1", True),
            ("conference", "1", True),
            ("college-noncredit", "1", True),
            ("college-credit", "15", True),
        ],
        "GENERAL": [
            ("training", "1", False),
            ("conference", "1", False),
            ("college-noncredit", "1", False),
            ("college-credit", "15", False),
        ],
    },
    "nicet": {
        "ACTIVE": [("job", "1", True)],
        "EDUCATION": [
            ("training", "1", True),
            ("conference", "1", True),
            ("college-noncredit", "1", True),
            ("college-credit", "15", True),
        ],
        "ADVANCE": [
            ("agency-points", "1", True),
            ("instructing", "1", True),
            ("association", "1", True),
            ("volunteering", "1", True),
            ("publication", "5", True),
            ("mentoring", "2", True),
        ],
        "CERTIFICATION": [("agency-points", "1", False), ("certification", "15", True)],
        "SPECIAL-EXAM": [("agency-points", "1", False), ("certification", "60", False)],
    },
    "pmi-pmp": {
        "EDU-WOW": [
            ("training", "1", True),
            ("conference", "1", True),
            ("college-noncredit", "1", True),
            ("self-study", "1", True),
            ("college-credit", "15", True),
        ],
        "EDU-PS": [
            ("training", "1", False),
            ("conference", "1", False),
            ("college-noncredit", "1", False),
            ("self-study", "1", False),
            ("college-credit", "15", False),
        ],
        "EDU-BA": [
            ("training", "1", False),
            ("conference", "1", False),
            ("college-noncredit", "1", False),
            ("self-study", "1", False),
            ("college-credit", "15", False),
        ],
        "GB-PRACTITIONER": [("work-project", "1", True)],
        "GB-CONTENT": [("agency-points", "1", True), ("publication", "5", True)],
        "GB-PRESENTATION": [("instructing", "1", True)],
        "GB-SHARING": [("instructing", "1", False), ("mentoring", "2", True)],
        "GB-VOLUNTEER": [("volunteering", "1", True), ("association", "1", True)],
    },
    "sme-cmfgt": {
        "EDUCATION": [
            ("training", "1", True),
            ("college-noncredit", "1", True),
            ("self-study", "1", True),
            ("college-credit", "15", True),
        ],
        "ATTENDANCE": [("conference", "1", True), ("meeting", "1", True)],
        "AUTHORSHIP": [("instructing", "1", True), ("publication", "5", True)],
        "INVOLVEMENT": [("work-project", "1", True), ("volunteering", "1", True)],
        "LEADERSHIP": [("association", "1", True)],
    },
    "smrp-cmrp": {
        "TRAINING": [("training", "1", True), ("college-noncredit", "1", True)],
        "CONFERENCE": [("conference", "1", True)],
        "COLLEGE": [("college-credit", "1", True)],
        "TEACHING": [("instructing", "1", True)],
        "PUBLICATION": [("publication", "1", True)],
        "SERVICE": [("association", "1", True), ("volunteering", "1", True)],
    },
    "smrp-cmrt": {
        "TRAINING": [("training", "1", True), ("college-noncredit", "1", True)],
        "CONFERENCE": [("conference", "1", True)],
        "COLLEGE": [("college-credit", "1", True)],
        "TEACHING": [("instructing", "1", True)],
        "PUBLICATION": [("publication", "1", True)],
        "SERVICE": [("association", "1", True), ("volunteering", "1", True)],
    },
}
# The step of each kind's amount (None: a period, counted in months).
KIND_STEPS: dict[str, str | None] = {
    "training": "0.25",
    "college-credit": "0.5",
    "college-noncredit": "0.25",
    "conference": "0.25",
    "meeting": "1",
    "self-study": "0.25",
    "certification": "1",
    "job": None,
    "work-project": "0.25",
    "instructing": "0.25",
    "volunteering": "0.25",
    "association": "0.25",
    "publication": "1",
    "reading": "1",
    "mentoring": "1",
    "membership": "1",
    "agency-points": "0.25",
}

CENT = Decimal("0.01")

activities = sa.table(
    "activities",
    sa.column("id", sa.Integer),
    sa.column("user_id", sa.Integer),
    sa.column("held_credential_id", sa.Integer),
    sa.column("category", sa.String),
    sa.column("kind", sa.String),
    sa.column("quantity", sa.Numeric(10, 2)),
)
credentials = sa.table(
    "held_credentials",
    sa.column("id", sa.Integer),
    sa.column("user_id", sa.Integer),
    sa.column("ruleset_code", sa.String),
)
choices = sa.table(
    "counting_choices",
    sa.column("activity_id", sa.Integer),
    sa.column("held_credential_id", sa.Integer),
    sa.column("category", sa.String),
    sa.column("excluded", sa.Boolean),
)


def upgrade() -> None:
    op.create_table(
        "counting_choices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("activity_id", sa.Integer(), nullable=False),
        sa.Column("held_credential_id", sa.Integer(), nullable=False),
        sa.Column("category", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
        sa.Column("excluded", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["activity_id"],
            ["activities.id"],
            name=op.f("fk_counting_choices_activity_id_activities"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["held_credential_id"],
            ["held_credentials.id"],
            name=op.f("fk_counting_choices_held_credential_id_held_credentials"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_counting_choices")),
        sa.UniqueConstraint(
            "activity_id", "held_credential_id", name=op.f("uq_counting_choices_activity_id")
        ),
    )
    with op.batch_alter_table("counting_choices", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_counting_choices_held_credential_id"),
            ["held_credential_id"],
            unique=False,
        )
    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True)
        )

    _move_to_kinds(op.get_bind())

    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.alter_column(
            "kind", existing_type=sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False
        )
        batch_op.drop_index(batch_op.f("ix_activities_held_credential_id"))
        batch_op.drop_constraint(
            batch_op.f("fk_activities_held_credential_id_held_credentials"), type_="foreignkey"
        )
        batch_op.drop_column("category")
        batch_op.drop_column("held_credential_id")


def _move_to_kinds(connection) -> None:
    held = connection.execute(
        sa.select(credentials.c.id, credentials.c.user_id, credentials.c.ruleset_code)
    ).all()
    ruleset_of = {row.id: row.ruleset_code for row in held}
    held_by_user: dict[int, list[int]] = {}
    for row in held:
        held_by_user.setdefault(row.user_id, []).append(row.id)
    updates, new_choices = [], []
    rows = connection.execute(
        sa.select(
            activities.c.id,
            activities.c.user_id,
            activities.c.held_credential_id,
            activities.c.category,
            activities.c.quantity,
        )
    ).all()
    for row in rows:
        candidates = LANDINGS.get(ruleset_of[row.held_credential_id], {}).get(row.category, [])
        landing = _landing(candidates, row.quantity)
        if landing is None:
            # A category the rule set does not have, or an amount no kind holds exactly (only a
            # hand-edited database holds either): it counted nothing, and still counts nothing.
            kind, quantity, excluded = "training", row.quantity, True
        else:
            (kind, quantity, by_default), excluded = landing, False
        updates.append({"row_id": row.id, "kind": kind, "quantity": quantity})
        if excluded or not by_default:
            new_choices.append(
                {
                    "activity_id": row.id,
                    "held_credential_id": row.held_credential_id,
                    "category": None if excluded else row.category,
                    "excluded": excluded,
                }
            )
        new_choices.extend(
            {
                "activity_id": row.id,
                "held_credential_id": other,
                "category": None,
                "excluded": True,
            }
            for other in held_by_user[row.user_id]
            if other != row.held_credential_id
        )
    if updates:
        connection.execute(
            activities.update()
            .where(activities.c.id == sa.bindparam("row_id"))
            .values(kind=sa.bindparam("kind"), quantity=sa.bindparam("quantity")),
            updates,
        )
    if new_choices:
        connection.execute(choices.insert(), new_choices)


def _landing(candidates: list, quantity) -> tuple | None:
    """The first kind that lands in the category and holds the amount exactly, in its steps:
    (kind, the amount in its unit, whether it lands there by default)."""
    for kind, per_unit, by_default in candidates:
        if quantity is None:  # a job: counted in months, never converted
            return kind, None, by_default
        amount = Decimal(quantity) / Decimal(per_unit)
        step = KIND_STEPS[kind]
        if amount == amount.quantize(CENT) and (step is None or amount % Decimal(step) == 0):
            return kind, amount.quantize(CENT), by_default
    return None


def downgrade() -> None:
    """Back to one credential per activity: each goes to the first of the person's credentials
    it counted toward (or the first they hold), in the category it counted in there. An
    activity that counted toward several credentials then counts toward one only."""
    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.add_column(sa.Column("held_credential_id", sa.INTEGER(), nullable=True))
        batch_op.add_column(sa.Column("category", sa.VARCHAR(length=40), nullable=True))
    connection = op.get_bind()
    held = connection.execute(
        sa.select(credentials.c.id, credentials.c.user_id, credentials.c.ruleset_code).order_by(
            credentials.c.id
        )
    ).all()
    made = {
        (row.activity_id, row.held_credential_id): row
        for row in connection.execute(sa.select(choices)).all()
    }
    defaults = {
        (code, kind): (category, per_unit)
        for code, landings in LANDINGS.items()
        for category, candidates in landings.items()
        for kind, per_unit, by_default in candidates
        if by_default
    }
    for row in connection.execute(
        sa.select(activities.c.id, activities.c.user_id, activities.c.kind, activities.c.quantity)
    ).all():
        own = [c for c in held if c.user_id == row.user_id]
        if not own:  # an activity of a person holding no credential cannot go back
            connection.execute(activities.delete().where(activities.c.id == row.id))
            continue
        target, category, per_unit = own[0], None, "1"
        for credential in own:
            choice = made.get((row.id, credential.id))
            if choice is not None and choice.excluded:
                continue
            found = defaults.get((credential.ruleset_code, row.kind))
            if choice is not None and choice.category:
                candidates = LANDINGS.get(credential.ruleset_code, {}).get(choice.category, [])
                per_unit = next((p for k, p, _d in candidates if k == row.kind), "1")
                found = (choice.category, per_unit)
            if found is not None:
                target, (category, per_unit) = credential, found
                break
        quantity = row.quantity
        if quantity is not None and per_unit != "1":
            quantity = Decimal(quantity) * Decimal(per_unit)
        connection.execute(
            activities.update()
            .where(activities.c.id == row.id)
            .values(held_credential_id=target.id, category=category or row.kind, quantity=quantity)
        )
    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.alter_column("held_credential_id", existing_type=sa.INTEGER(), nullable=False)
        batch_op.alter_column("category", existing_type=sa.VARCHAR(length=40), nullable=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_activities_held_credential_id_held_credentials"),
            "held_credentials",
            ["held_credential_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch_op.create_index(
            batch_op.f("ix_activities_held_credential_id"), ["held_credential_id"], unique=False
        )
        batch_op.drop_column("kind")
    with op.batch_alter_table("counting_choices", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_counting_choices_held_credential_id"))
    op.drop_table("counting_choices")
