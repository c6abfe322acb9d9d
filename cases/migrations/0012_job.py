"""The scenario-load progress row becomes the general job row (pack loads, time moves, comparisons)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0011_exercise_events_and_clock_sources"),
    ]

    operations = [
        migrations.RenameModel("ScenarioLoad", "Job"),
        migrations.AddField(
            model_name="job",
            name="kind",
            field=models.CharField(
                choices=[("load", "Load a scenario pack"), ("time_move", "Move an exercise's time"),
                         ("compare", "Compare two regimes")],
                default="load", max_length=20),
        ),
        migrations.AddField(model_name="job", name="params", field=models.JSONField(blank=True, default=dict)),
        migrations.AddField(model_name="job", name="result", field=models.JSONField(blank=True, default=dict)),
        migrations.AlterField(
            model_name="job", name="slug",
            field=models.SlugField(blank=True, help_text="The pack a load job loads.", max_length=60)),
        migrations.AlterField(
            model_name="job", name="name",
            field=models.CharField(blank=True, help_text="The name of the exercise a load job creates.",
                                   max_length=120)),
    ]
