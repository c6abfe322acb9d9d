"""Load the border geography (PER-2, PER-8, PER-9) from permits.geodata: global rows every exercise shares."""

from django.db import migrations


def load(apps, schema_editor):
    from permits import geodata

    county_model = apps.get_model("permits", "BorderCounty")
    point_model = apps.get_model("permits", "CrossingPoint")
    hours_model = apps.get_model("permits", "CrossingHours")
    counties = {}
    for position, row in enumerate(geodata.KP_COUNTIES + geodata.CN_COUNTIES):
        name, other, side, province, kind, _faces, source, assumption = row
        counties[name], _ = county_model.objects.update_or_create(
            name=name,
            defaults={"other_names": other, "side": side, "province": province, "kind": kind,
                      "in_border_region": True, "source": source, "assumption": assumption, "position": position},
        )
    for name, _o, _s, _p, _k, faces, _src, _a in geodata.CN_COUNTIES:
        counties[name].faces.set([counties[f] for f in faces])
    for position, (name, cn, kp, cn_body, kp_body, source, assumption) in enumerate(geodata.CROSSING_POINTS):
        point_model.objects.update_or_create(
            name=name,
            defaults={"cn_county": counties[cn], "kp_county": counties[kp], "cn_inspection_body": cn_body,
                      "kp_inspection_body": kp_body, "source": source, "assumption": assumption,
                      "position": position},
        )
    for label, first, last, opens, closes in geodata.CROSSING_HOURS:
        hours_model.objects.update_or_create(
            label=label,
            defaults={"first_month": first, "last_month": last, "opens": opens, "closes": closes,
                      "pyongyang_offset_hours": geodata.PYONGYANG_OFFSET_HOURS, "source": geodata.D10_HOURS},
        )


def unload(apps, schema_editor):
    for name in ("CrossingPoint", "CrossingHours", "BorderCounty"):
        apps.get_model("permits", name).objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("permits", "0001_geography_permits_crossings")]

    operations = [migrations.RunPython(load, unload)]
