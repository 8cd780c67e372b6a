# SPDX-License-Identifier: GPL-3.0-or-later
"""sync_receiver_pull.py: the pulls of two-way sync for tests/sync-receiver.py.

docs/sync-protocol.md, "Two-way sync": GET /v1/registrations, /v1/check-ins and /v1/leads with
opaque cursors, pages, long-poll (wait), gzip, the "inside now" figure, annulments, the booth
team merge and erasure tombstones. Written from the protocol text, independently of the hub, so
that a kiosk is tested against two servers. Python 3 standard library only; all state in memory.

Control (POST /_control, tests only), besides sync-receiver.py's own:
  {"registrations": [row, ...]}          publish registration rows as given (valid/revoked/erased)
  {"seed_registrations": {"n": N, "prefix": "P", "phone": true}}   publish N valid pre-registrations P000001...
      with "warm": true, also build now the gzipped pages (limit 5000) that a client that had
      everything before them asks for next; any later change to the feed drops them
  {"revoke": BADGE, "reason": R}         publish a revocation
  {"erase": BADGE}                       publish a tombstone and forget the badge's check-ins/leads
  {"features": [...]}                    what /v1/health lists (default: all)
  {"booths": {"KIOSK": "BOOTH", ...}}    only these devices may pull these booths' leads (403
                                         otherwise); without it any device may pull any booth
  {"pull_fault": {"code": C, "count": N}}  answer the next N pulls with status C
  {"pull_delay": SECONDS}                sleep before answering each pull page
GET /_pulls -> {"requests": [[feed, since, n_rows, more], ...], "rows": {feed: n}, "inside": {...},
               "warm_hits": pages served as built ahead}
"""

import bisect
import gzip
import json
import threading
import time
import urllib.parse

FEEDS = ("registrations", "check-ins", "leads")
ALL_FEATURES = ["records", "registrations", "check-ins", "leads", "long-poll"]
MAX_LIMIT = 5000
MAX_WAIT = 30


class Feed:
    """Rows by key, in change order: a cursor is the change number of the last row sent."""

    def __init__(self):
        self.latest = {}     # key -> (seq, row)
        self.order = []      # seqs, ascending
        self.keys = []       # key of each seq in order
        self.pages = {}      # (seq, limit) -> answer body, built ahead (warm); any change drops them

    def put(self, seq, key, row):
        self.latest[key] = (seq, row)
        self.order.append(seq)
        self.keys.append(key)
        self.pages.clear()

    def forget(self, key):
        self.latest.pop(key, None)
        self.pages.clear()

    def last_seq(self):
        return self.order[-1] if self.order else 0

    def warm(self, seq):
        """Builds the gzipped pages a client current at seq will ask for next, so that serving
        them costs (almost) no CPU: see "warm" in control()."""
        more = True
        while more:
            rows, last, more = self.since(seq, MAX_LIMIT)
            if not rows and not more:
                break
            body = page_body({"rows": rows, "cursor": "c%d" % last, "more": more})
            self.pages[(seq, MAX_LIMIT)] = gzip.compress(body, compresslevel=1)
            seq = last

    def since(self, seq, limit):
        """Rows changed after seq (latest state of each key once), the last seq, more."""
        rows, last = [], seq
        i = bisect.bisect_right(self.order, seq)
        while i < len(self.order) and len(rows) < limit:
            s, key = self.order[i], self.keys[i]
            entry = self.latest.get(key)
            if entry is not None and entry[0] == s:
                rows.append(entry[1])
            last = s
            i += 1
        # Entries left over may all be stale: the next page is then empty and says no more.
        return rows, last, i < len(self.order)


class PullState:
    def __init__(self):
        self.cond = threading.Condition()
        self.reset()

    def reset(self):
        self.seq = 0
        self.feeds = {"registrations": Feed(), "check-ins": Feed()}
        self.booth_feeds = {}          # booth -> Feed of merged leads
        self.lead_parts = {}           # (booth, badge) -> {record id: lead record}
        self.pending_annulments = {}   # check-in id -> annulment id
        self.walk_ins = {}             # registration id -> entry row: counts for "inside now"
        self.features = list(ALL_FEATURES)
        self.booths = None
        self.fault = None
        self.delay = 0.0
        self.requests = []
        self.warm_hits = 0             # pages served as built ahead ("warm")

    # -- publishing (under self.cond) --

    def _next(self):
        self.seq += 1
        return self.seq

    def publish(self, feed, key, row):
        feed.put(self._next(), key, row)
        self.cond.notify_all()

    def publish_registration(self, row):
        self.publish(self.feeds["registrations"], row["badge_code"], row)

    def erase(self, badge):
        checkins = self.feeds["check-ins"]
        for key, (_, row) in list(checkins.latest.items()):
            if row.get("badge_code") == badge:
                checkins.forget(key)
        for key, row in list(self.walk_ins.items()):
            if row["badge_code"] == badge:
                del self.walk_ins[key]
        for (booth, b) in list(self.lead_parts):
            if b == badge:
                del self.lead_parts[(booth, b)]
                self.booth_feeds[booth].forget(badge)
        self.publish_registration({"badge_code": badge, "status": "erased"})

    # -- records uploaded by kiosks --

    def ingest(self, record, kiosk):
        with self.cond:
            kind = record.get("type")
            if kind == "registration" and record.get("badge_code"):
                phones = record.get("phones") or []
                self.publish_registration({
                    "badge_code": record["badge_code"], "status": "valid",
                    "display_name": record.get("full_name"),
                    "company": record.get("organization"),
                    "category": record.get("category"),
                    "phone_tail": phones[0][-4:] if phones else None,
                    "source": "registration"})
            if kind == "registration" and record.get("kind") == "walk_in":
                self.walk_in(record, kiosk)
            elif kind == "check_in" and record.get("badge_code"):
                rid = record["id"]
                row = {"id": rid, "badge_code": record["badge_code"],
                       "direction": record.get("direction") or "entry",
                       "gate": kiosk, "area": record.get("area"),
                       "at": record.get("created_at"),
                       "annulled": rid in self.pending_annulments}
                self.publish(self.feeds["check-ins"], rid, row)
            elif kind == "annulment" and record.get("annuls"):
                target = record["annuls"]
                entry = self.feeds["check-ins"].latest.get(target)
                if target in self.walk_ins:
                    self.walk_ins[target]["annulled"] = True
                elif entry is None:
                    self.pending_annulments[target] = record["id"]
                else:
                    row = dict(entry[1], annulled=True)
                    self.publish(self.feeds["check-ins"], target, row)
            elif kind == "lead":
                self.merge_lead(record, kiosk)

    def walk_in(self, record, kiosk):
        """A walk-in registered at an entry kiosk was let in there: an entry of its badge at
        its created_at, as the hub counts it (docs/sync-protocol.md "Occupancy"); not a row of
        the check-ins feed. Without a badge code it is a visitor of its own (keyed by id)."""
        rid = record["id"]
        self.walk_ins[rid] = {"id": rid, "badge_code": record.get("badge_code") or rid,
                              "direction": "entry", "gate": kiosk, "area": record.get("area"),
                              "at": record.get("created_at"),
                              "annulled": rid in self.pending_annulments}

    def merge_lead(self, record, kiosk):
        visitor = record.get("visitor") or {}
        badge = visitor.get("badge_code")
        booth = record.get("booth")
        if not badge or not booth:
            return
        parts = self.lead_parts.setdefault((booth, badge), {})
        parts[record["id"]] = dict(record, _author=kiosk)
        ordered = sorted(parts.values(), key=lambda r: (r.get("created_at") or "", r["id"]))
        notes, seen, answers = [], set(), {}
        rating, rated_at, follow_up, updated = None, None, False, ""
        for r in ordered:
            text = r.get("notes")
            at = r.get("updated_at") or r.get("created_at")
            if text and (r["_author"], text) not in seen:
                seen.add((r["_author"], text))
                notes.append({"author": r["_author"], "at": at, "text": text})
            answers_of = r.get("answers_json") or r.get("answers") or {}
            for q, a in (answers_of.items() if isinstance(answers_of, dict) else []):
                answers[q] = a
            if r.get("rating"):
                rating, rated_at = r["rating"], r.get("created_at")
            follow_up = follow_up or bool(r.get("follow_up"))
            updated = max(updated, at or "")
        notes.sort(key=lambda n: (n["at"] or "", n["author"]))
        row = {"badge_code": badge, "visitor": visitor, "rating": rating, "rated_at": rated_at,
               "follow_up": follow_up, "answers": answers, "notes": notes, "updated_at": updated}
        self.publish(self.booth_feeds.setdefault(booth, Feed()), badge, row)

    # -- "inside now" --

    def inside(self):
        last = {}   # badge -> (at, direction, area) of its latest record that counts
        rows = [row for _, row in self.feeds["check-ins"].latest.values()]
        for row in rows + list(self.walk_ins.values()):
            if row.get("annulled"):
                continue
            key = (row.get("at") or "", row["id"])
            prev = last.get(row["badge_code"])
            if prev is None or key > prev[0]:
                last[row["badge_code"]] = (key, row.get("direction"), row.get("area"))
        areas, total = {}, 0
        for _, direction, area in last.values():
            if direction == "entry":
                total += 1
                if area:
                    areas[area] = areas.get(area, 0) + 1
        return {"event": total, "areas": areas}


PULL = PullState()


def control(cmd):
    """Applies the pull part of a /_control command (sync-receiver.py calls it)."""
    with PULL.cond:
        if cmd.get("reset"):
            PULL.reset()
        for row in cmd.get("registrations", []):
            PULL.publish_registration(row)
        seed = cmd.get("seed_registrations")
        if seed:
            start = PULL.feeds["registrations"].last_seq()
            prefix = seed.get("prefix", "PRE")
            for i in range(1, int(seed["n"]) + 1):
                PULL.publish_registration({
                    "badge_code": "%s%06d" % (prefix, i), "status": "valid",
                    "display_name": "Visitor %d" % i, "company": "Company %d" % (i % 997),
                    "category": "trade_visitor",
                    "phone_tail": "%04d" % (i % 10000) if seed.get("phone", True) else None,
                    "source": "preregistration"})
            # "warm": head office runs on another machine, and its work must not take the
            # cores of the kiosk being measured (bench-ui). The pages of the seeded rows are
            # built now, before the pull, for a client that had everything before them.
            if seed.get("warm"):
                PULL.feeds["registrations"].warm(start)
        if "revoke" in cmd:
            PULL.publish_registration({"badge_code": cmd["revoke"], "status": "revoked",
                                       "reason": cmd.get("reason")})
        if "erase" in cmd:
            PULL.erase(cmd["erase"])
        if "features" in cmd:
            PULL.features = list(cmd["features"])
        if "booths" in cmd:
            PULL.booths = dict(cmd["booths"])
        if "pull_fault" in cmd:
            PULL.fault = dict(cmd["pull_fault"])
        if "pull_delay" in cmd:
            PULL.delay = float(cmd["pull_delay"])


def health_body():
    with PULL.cond:
        return {"status": "ok", "protocol": 1, "features": list(PULL.features)}


def stats():
    with PULL.cond:
        rows = {name: len(f.latest) for name, f in PULL.feeds.items()}
        rows["leads"] = sum(len(f.latest) for f in PULL.booth_feeds.values())
        return {"requests": list(PULL.requests), "rows": rows, "inside": PULL.inside(),
                "warm_hits": PULL.warm_hits}


def is_pull_path(path):
    return urllib.parse.urlsplit(path).path[len("/v1/"):] in FEEDS


def _kiosk_of(handler):
    agent = handler.headers.get("User-Agent") or ""
    if "(" in agent and agent.endswith(")"):
        return agent[agent.rindex("(") + 1:-1]
    return None


def _parse(handler):
    parts = urllib.parse.urlsplit(handler.path)
    feed = parts.path[len("/v1/"):]
    query = urllib.parse.parse_qs(parts.query, keep_blank_values=True)
    since = query.get("since", [""])[0]
    if since == "":
        seq = 0
    elif since.startswith("c") and since[1:].isdigit():
        seq = int(since[1:])
    else:
        return None
    try:
        limit = min(max(int(query.get("limit", [MAX_LIMIT])[0]), 1), MAX_LIMIT)
        wait = min(max(float(query.get("wait", ["0"])[0]), 0.0), MAX_WAIT)
    except ValueError:
        return None
    return feed, since, seq, limit, wait, query.get("booth", [None])[0]


def _feed_for(feed, booth):
    if feed == "leads":
        return PULL.booth_feeds.setdefault(booth, Feed())
    return PULL.feeds[feed]


def handle(handler, send_json, send_raw):
    """GET /v1/registrations | check-ins | leads."""
    parsed = _parse(handler)
    if parsed is None:
        send_json(400, {"error": "malformed cursor, limit or wait"})
        return
    feed, since, seq, limit, wait, booth = parsed
    with PULL.cond:
        fault = PULL.fault
        if fault is not None:
            fault["count"] = int(fault.get("count", 1)) - 1
            if fault["count"] <= 0:
                PULL.fault = None
        delay = PULL.delay
    if fault is not None:
        send_json(int(fault.get("code", 503)), {"error": "fault injected"})
        return
    if feed == "leads":
        allowed = PULL.booths
        if not booth or (allowed is not None and allowed.get(_kiosk_of(handler)) != booth):
            send_json(403, {"error": "not a device of this booth"})
            return
    if delay:
        time.sleep(delay)

    deadline = time.monotonic() + wait
    with PULL.cond:
        while True:
            rows, last, more = _feed_for(feed, booth).since(seq, limit)
            remaining = deadline - time.monotonic()
            if rows or remaining <= 0:
                break
            PULL.cond.wait(remaining)
        answer = {"rows": rows, "cursor": "c%d" % last if last else since, "more": more}
        if feed == "check-ins":
            answer["inside"] = PULL.inside()
        PULL.requests.append([feed, since, len(rows), more])
        gzipped = "gzip" in (handler.headers.get("Accept-Encoding") or "")
        body = _feed_for(feed, booth).pages.get((seq, limit)) if gzipped else None
        if body is not None:
            PULL.warm_hits += 1
    extra = {}
    if body is not None:
        extra["Content-Encoding"] = "gzip"
    else:
        body = page_body(answer)
        if gzipped and len(body) > 1024:
            body = gzip.compress(body, compresslevel=1)
            extra["Content-Encoding"] = "gzip"
    send_raw(200, body, "application/json", extra)


def page_body(answer):
    return json.dumps(answer, separators=(",", ":"), ensure_ascii=False).encode()


def ingest(record, kiosk):
    """A record head office accepted (sync-receiver.py calls it once per new id)."""
    PULL.ingest(record, kiosk)
