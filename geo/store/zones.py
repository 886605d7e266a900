"""The zone gazetteer kept by editors (a Repository mixin): add zones, edit their names
and aliases, set their location. Each write is one transaction with an audit row; zones
are public, so every write bumps the data version."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

import shapely
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from geo.errors import InputError
from geo.store import edits, records
from geo.store import schema as s
from geo.store.common import ConflictError, NotFoundError
from geo.store.review import _diff, _plain


class ZonesMixin:
    def zone(self, zone_id: str) -> dict:
        with self.engine.connect() as conn:
            cols = [c for c in s.zones.columns if c.name != "geom"]
            row = conn.execute(select(*cols).where(s.zones.c.zone_id == zone_id)).first()
        if row is None:
            raise NotFoundError(f"no zone {zone_id!r}")
        return dict(row._mapping)

    def add_zone(self, fields: Mapping, actor: str, note: str | None = None) -> dict:
        """A zone for the gazetteer (type from its name's suffix unless given)."""
        note = edits.text("note", note)
        try:
            zone_id = self._insert_zone(fields, actor, note)
        except IntegrityError:  # a concurrent editor added the same name first
            raise ConflictError("a zone with this name exists already") from None
        return self.zone(zone_id)

    def _insert_zone(self, fields: Mapping, actor: str, note: str | None) -> str:
        with self._write() as conn:
            values = edits.zone_changes(fields, self._zone_ids(conn))
            name = values.get("name")
            if not name:
                raise InputError("name: required")
            values.setdefault("type", edits.zone_type_of(name))
            if conn.scalar(select(s.zones.c.zone_id).where(s.zones.c.name == name)):
                raise ConflictError(f"a zone named {name!r} exists already")
            zone_id = "ed-" + hashlib.sha1(name.encode("utf-8")).hexdigest()[:10]
            row = {
                **values,
                "zone_id": zone_id,
                "source": f"editor {actor}",
                "status": values.get("status") or "current",
            }
            conn.execute(s.zones.insert(), records.complete(s.zones, [row]))
            records.audit(
                conn,
                actor,
                "create",
                "zone",
                zone_id,
                after={k: _plain(v) for k, v in row.items()},
                note=note,
            )
        return zone_id

    def update_zone(self, zone_id: str, changes: Mapping, actor: str, note: str | None = None):
        note = edits.text("note", note)
        with self._write() as conn:
            cols = [c for c in s.zones.columns if c.name != "geom"]
            row = conn.execute(
                select(*cols).where(s.zones.c.zone_id == zone_id).with_for_update()
            ).first()
            if row is None:
                raise NotFoundError(f"no zone {zone_id!r}")
            row = dict(row._mapping)
            values = edits.zone_changes(changes, self._zone_ids(conn) - {zone_id})
            before, after = _diff(row, values)
            if not after:
                raise InputError("nothing to change: every field already has that value")
            if "name" in after and conn.scalar(
                select(s.zones.c.zone_id).where(
                    s.zones.c.name == after["name"], s.zones.c.zone_id != zone_id
                )
            ):
                raise ConflictError(f"a zone named {after['name']!r} exists already")
            conn.execute(update(s.zones).where(s.zones.c.zone_id == zone_id).values(**after))
            records.audit(
                conn, actor, "edit", "zone", zone_id, before=before, after=after, note=note
            )
        return self.zone(zone_id)

    def set_zone_location(
        self,
        zone_id: str,
        lon,
        lat,
        actor: str,
        note: str | None,
        datum: str = "wgs84",
    ) -> dict:
        """Put a zone where an editor clicked (WGS-84 stored; precision ``editor``).
        ``lon``/``lat`` None clears the location (the zone goes back to its host seat)."""
        clear = lon is None and lat is None
        note = edits.text("note", note, required=not clear)
        if clear:
            values = {"location_lon": None, "location_lat": None, "location_note": None}
            values["geom"] = None
        else:
            lon, lat = edits.location(lon, lat, datum)
            values = {"location_lon": lon, "location_lat": lat, "location_note": note}
            values["geom"] = shapely.Point(lon, lat)
        with self._write() as conn:
            row = conn.execute(
                select(s.zones.c.location_lon, s.zones.c.location_lat, s.zones.c.location_note)
                .where(s.zones.c.zone_id == zone_id)
                .with_for_update()
            ).first()
            if row is None:
                raise NotFoundError(f"no zone {zone_id!r}")
            conn.execute(update(s.zones).where(s.zones.c.zone_id == zone_id).values(**values))
            records.audit(
                conn,
                actor,
                "clear-location" if clear else "set-location",
                "zone",
                zone_id,
                before=dict(row._mapping),
                after={k: v for k, v in values.items() if k != "geom"} | {"datum": datum},
                note=note,
            )
        return self.zone(zone_id)
