"""Drop the single-column indexes that composite indexes leading with the same column already serve.

Cases are looked up by exercise (then kind and state), events and deadlines by exercise or by case:
the composite indexes of their Meta lead with those columns, so the single-column ones only cost each
write (PostgreSQL writes every index of a row an UPDATE moves to a new version). Only the indexes go;
the model state is altered as AlterField would (``db_index=False``), without SQLite remaking the tables.
"""

from typing import Any

import django.db.models.deletion
import django_fsm
from django.db import migrations, models

# The names Django gave these indexes (schema_editor._create_index_name, as in 0001), with PostgreSQL's
# pattern-ops twins of the text columns (PostgreSQL only): what each one indexes, to recreate it on the way back.
DROPPED = {
    "cases_case_exercise_id_8b0a4f5d": ("cases_case", "exercise_id", ""),
    "cases_case_kind_f223b793": ("cases_case", "kind", ""),
    "cases_case_kind_f223b793_like": ("cases_case", "kind", " varchar_pattern_ops"),
    "cases_case_state_eb673365": ("cases_case", "state", ""),
    "cases_case_state_eb673365_like": ("cases_case", "state", " varchar_pattern_ops"),
    "cases_caseevent_case_id_6c6031ac": ("cases_caseevent", "case_id", ""),
    "cases_caseevent_exercise_id_f723d0b7": ("cases_caseevent", "exercise_id", ""),
    "cases_deadline_case_id_fd6938e1": ("cases_deadline", "case_id", ""),
    "cases_deadline_exercise_id_07e84667": ("cases_deadline", "exercise_id", ""),
}


def drop(apps: Any, schema_editor: Any) -> None:
    for name in DROPPED:
        schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}")


def restore(apps: Any, schema_editor: Any) -> None:
    quote = schema_editor.quote_name
    for name, (table, column, ops) in DROPPED.items():
        if ops and schema_editor.connection.vendor != "postgresql":
            continue
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {quote(name)} ON {quote(table)} ({quote(column)}{ops})")


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0017_exercise_counterfactual_help'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(drop, restore)],
            state_operations=[
                migrations.AlterField(
                    model_name='case',
                    name='exercise',
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='cases', to='cases.exercise'),
                ),
                migrations.AlterField(
                    model_name='case',
                    name='kind',
                    field=models.CharField(editable=False, max_length=30),
                ),
                migrations.AlterField(
                    model_name='case',
                    name='state',
                    field=django_fsm.FSMField(default='new', max_length=50, protected=True),
                ),
                migrations.AlterField(
                    model_name='caseevent',
                    name='case',
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='events', to='cases.case'),
                ),
                migrations.AlterField(
                    model_name='caseevent',
                    name='exercise',
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='events', to='cases.exercise'),
                ),
                migrations.AlterField(
                    model_name='deadline',
                    name='case',
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='deadlines', to='cases.case'),
                ),
                migrations.AlterField(
                    model_name='deadline',
                    name='exercise',
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='deadlines', to='cases.exercise'),
                ),
            ],
        ),
    ]
