"""Correctness under load and crashes: every acknowledged answer is kept, once.

Serves the app as `make serve` does (gunicorn, gunicorn.conf.py, 4 workers, on a
loopback port) on a throw-away SQLite file or on --database, prepared with
`flask db upgrade` and `flask banks sync`, and lets simulated people practise
rounds of three for --seconds. A quarter of them answer the middle question of
each round from two tabs at once (one must get the 302, the other the 409
"already rated in another tab" page, never a 500); another quarter, every other
turn, open one question in three rounds at once and answer all three together
(all must be kept, and its card must count all three). With --kill N
the gunicorn master and all its workers get SIGKILL N times at random moments,
and gunicorn is started again each time.

A request that gets no answer (the server died under it, or was down) is sent
again after a pause, for up to a minute, as a person presses reload or submits
the form again. Re-submitting an answer is safe: if the first submission was
stored, the re-submission gets the 409 page, which shows the stored answer; its
note carries this submission's marker, so the client knows the answer was kept.

Afterwards the database is checked against what the clients were told (see
audit.py) and the figures printed; the exit status is 1 when a check fails.

Usage: .venv/bin/python bench/crash.py [--people 16] [--seconds 45] [--kill 3]
       [--database postgresql://postgres@127.0.0.1:5432/mockint_h1] [--seed 1]
"""

from __future__ import annotations

import argparse
import contextlib
import random
import re
import tempfile
import threading
import time
import traceback
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from audit import KEPT, Findings, Sent, audit, users_before
from harness import (
    Browser,
    Reply,
    Server,
    csrf_token,
    logged_statuses,
    prepare_database,
    round_path,
    server_env,
    shown_token,
)

FIELD = "software-engineering"
ROUND_SIZE = 3
OPEN_ROUNDS = 3  # rounds one question is open in at once
RESEND_FOR = 60.0  # seconds a person keeps re-sending a request that got no answer
RESEND_PAUSE = 0.25
WORKERS = 4
# A reply within this long after gunicorn answers again still counts as the kill's.
KILL_GRACE = 1.0
STORED_NOTE = re.compile(r'<blockquote class="note">answer ([0-9a-f]{32})</blockquote>')
QUESTION_KEY = re.compile(r'action="/questions/([^"/]+)/practice"')


@dataclass
class Kill:
    """One crash: when, whom, and when gunicorn answered again."""

    at: float
    pids: list[int]
    back_at: float = 0.0


@dataclass
class Tally:
    """What every client saw, shared by all threads."""

    started: float = field(default_factory=time.monotonic)
    statuses: Counter[int] = field(default_factory=Counter)
    no_answer: list[tuple[float, float]] = field(default_factory=list)  # sent, failed
    server_errors: list[tuple[float, str, int]] = field(default_factory=list)
    sent: dict[str, Sent] = field(default_factory=dict)
    pairs: list[tuple[str, str]] = field(default_factory=list)
    groups: list[list[str]] = field(default_factory=list)
    script_errors: list[str] = field(default_factory=list)  # bugs here, not there
    lock: threading.Lock = field(default_factory=threading.Lock)

    def now(self) -> float:
        """Seconds since the load began."""
        return time.monotonic() - self.started

    def record(self, path: str, sent_at: float, reply: Reply) -> None:
        """Count one request's outcome."""
        with self.lock:
            self.statuses[reply.status] += 1
            if reply.status == 0:
                self.no_answer.append((sent_at, self.now()))
            elif reply.status >= 500:
                self.server_errors.append((self.now(), path, reply.status))


def run_together(jobs: list[Callable[[], None]], timeout: float) -> None:
    """Run the jobs in threads released at the same instant; wait for them all."""
    barrier = threading.Barrier(len(jobs))

    def released(job: Callable[[], None]) -> Callable[[], None]:
        def run() -> None:
            with contextlib.suppress(threading.BrokenBarrierError):
                barrier.wait(timeout)  # a late thread still runs its job
            job()

        return run

    threads = [threading.Thread(target=released(job)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)


class Person:
    """One simulated person practising in one browser until the deadline."""

    def __init__(
        self, number: int, base: str, tally: Tally, deadline: float, seed: int
    ) -> None:
        self.number = number
        self.browser = Browser(base)
        self.tally = tally
        self.deadline = deadline
        self.rng = random.Random(seed * 1000 + number)
        self.two_tabs = number % 4 == 0
        self.opens_rounds = number % 4 == 1

    def send(
        self, browser: Browser, path: str, form: dict[str, object] | None = None
    ) -> tuple[Reply, int]:
        """Send until an answer comes (or a minute passes); return it and the tries."""
        give_up = time.monotonic() + RESEND_FOR
        tries = 0
        while True:
            sent_at = self.tally.now()
            reply = browser.send(path, form)
            tries += 1
            self.tally.record(path, sent_at, reply)
            if reply.status != 0 or time.monotonic() > give_up:
                return reply, tries
            time.sleep(RESEND_PAUSE)

    def practise(self) -> None:
        """Practise rounds until the deadline."""
        turn = 0
        try:
            while time.monotonic() < self.deadline:
                if self.opens_rounds and turn % 2 == 1:
                    self.one_question_in_several_rounds()
                else:
                    self.field_round()
                turn += 1
        except Exception:
            with self.tally.lock:
                self.tally.script_errors.append(traceback.format_exc())
            raise

    def field_round(self) -> None:
        """Start a round of three and answer each question."""
        page, _ = self.send(self.browser, f"/fields/{FIELD}")
        reply, _ = self.send(
            self.browser,
            f"/fields/{FIELD}/rounds",
            {"csrf_token": csrf_token(page.text), "size": ROUND_SIZE},
        )
        if reply.status != 302:
            return
        path = round_path(reply.location)
        for position in range(1, ROUND_SIZE + 1):
            if time.monotonic() >= self.deadline:
                return
            if self.two_tabs and position == 2:
                self.answer_in_two_tabs(path, position)
            else:
                self.answer(self.browser, path, position)

    def answer_in_two_tabs(self, path: str, position: int) -> None:
        """Open one question in two tabs and submit both at the same instant."""
        tabs = [self.browser.tab(), self.browser.tab()]
        forms = [self.open_question(tab, path, position) for tab in tabs]
        if None in forms:
            return
        markers: list[str] = []
        run_together(
            [
                lambda tab=tab, form=form: markers.append(
                    self.submit(tab, path, position, form)
                )
                for tab, form in zip(tabs, forms, strict=True)
            ],
            RESEND_FOR + 30,
        )
        with self.tally.lock:
            self.tally.pairs.append((markers[0], markers[1]))

    def one_question_in_several_rounds(self) -> None:
        """Practise one question in three rounds at once, all answered together."""
        page, _ = self.send(self.browser, f"/fields/{FIELD}")
        keys = QUESTION_KEY.findall(page.text)
        if not keys:
            return
        key = self.rng.choice(keys)
        paths = []
        for _ in range(OPEN_ROUNDS):
            reply, _ = self.send(
                self.browser,
                f"/questions/{key}/practice",
                {"csrf_token": csrf_token(page.text)},
            )
            if reply.status != 302:
                return
            paths.append(round_path(reply.location))
        tabs = [self.browser.tab() for _ in paths]
        forms = [
            self.open_question(tab, p, 1) for tab, p in zip(tabs, paths, strict=True)
        ]
        if None in forms:
            return
        markers: list[str] = []
        run_together(
            [
                lambda tab=tab, p=p, form=form: markers.append(
                    self.submit(tab, p, 1, form)
                )
                for tab, p, form in zip(tabs, paths, forms, strict=True)
            ],
            RESEND_FOR + 30,
        )
        with self.tally.lock:
            self.tally.groups.append(markers)

    def answer(self, browser: Browser, path: str, position: int) -> None:
        """Open a question and submit an answer to it."""
        form = self.open_question(browser, path, position)
        if form is not None:
            self.submit(browser, path, position, form)

    def open_question(
        self, browser: Browser, path: str, position: int
    ) -> dict[str, object] | None:
        """The question screen's form tokens, or None if it is not asking."""
        page, _ = self.send(browser, f"{path}/{position}")
        token = shown_token(page.text)
        if page.status != 200 or not token:
            return None
        return {"csrf_token": csrf_token(page.text), "shown_token": token}

    def submit(
        self, browser: Browser, path: str, position: int, form: dict[str, object]
    ) -> str:
        """Submit a rated answer with a unique note; record it and what came back."""
        marker = uuid.uuid4().hex
        answer = Sent(
            person=self.number,
            round_id=int(path.rsplit("/", 1)[1]),
            position=position,
            rating=self.rng.randint(1, 4),
            marker=marker,
        )
        with self.tally.lock:
            self.tally.sent[marker] = answer
        reply, tries = self.send(
            browser,
            f"{path}/{position}",
            {
                **form,
                "rating": answer.rating,
                "elapsed_seconds": self.rng.randint(20, 200),
                "note": f"answer {marker}",
            },
        )
        answer.tries = tries
        shown = STORED_NOTE.search(reply.text) if reply.status == 409 else None
        answer.shown = shown.group(1) if shown else ""
        answer.outcome = outcome_of(reply.status, answer)
        return marker


def outcome_of(status: int, answer: Sent) -> str:
    """What the client learnt about its answer from the last reply's status."""
    if status == 302:
        return "stored"
    if status == 409:
        if not answer.shown:
            return "409 without the stored answer"
        if answer.shown != answer.marker:
            return "refused"
        # Ours is the answer that counts: an earlier try was stored, its reply lost.
        return "stored before a re-send" if answer.tries > 1 else "409 for itself"
    return "no answer" if status == 0 else f"status {status}"


def kill_at_random(
    server: Server, kills: int, seconds: float, tally: Tally, rng: random.Random
) -> list[Kill]:
    """SIGKILL gunicorn's master and workers `kills` times, restarting each time."""
    done: list[Kill] = []
    if kills == 0:
        return done
    # One kill somewhere in each of `kills` equal slots of the middle 80 %.
    slot = 0.8 * seconds / kills
    for number in range(kills):
        moment = 0.1 * seconds + number * slot + rng.uniform(0, 0.6 * slot)
        time.sleep(max(0.0, moment - tally.now()))
        kill = Kill(at=tally.now(), pids=server.kill_hard())
        server.start()
        kill.back_at = tally.now()
        done.append(kill)
    return done


def during_kill(moment: float, kills: list[Kill]) -> bool:
    """True from a kill until shortly after gunicorn answers again."""
    return any(k.at <= moment <= k.back_at + KILL_GRACE for k in kills)


def pair_resolved(pair: tuple[str, str], sent: dict[str, Sent]) -> bool:
    """Two tabs: one answer kept, the other refused by a 409 that shows the kept one."""
    first, second = (sent[marker] for marker in pair)
    return any(
        kept.kept and other.outcome == "refused" and other.shown == kept.marker
        for kept, other in ((first, second), (second, first))
    )


Row = tuple[str, object, bool]  # what, the figure, whether it is as it must be


def client_rows(tally: Tally, kills: list[Kill], still_running: int) -> list[Row]:
    """The figures the clients saw."""
    sent = tally.sent
    outcomes = Counter(answer.outcome for answer in sent.values())
    odd = {k: n for k, n in outcomes.items() if k not in (*KEPT, "refused")}
    cut = [(s, f) for s, f in tally.no_answer if during_kill(f, kills)]
    in_flight = sum(1 for s, _ in cut if not during_kill(s, kills))
    stray = len(tally.no_answer) - len(cut)
    stray_5xx = sum(1 for at, _, _ in tally.server_errors if not during_kill(at, kills))
    resent = [a for a in sent.values() if a.tries > 1]
    pairs_ok = sum(1 for pair in tally.pairs if pair_resolved(pair, sent))
    groups_ok = sum(1 for g in tally.groups if all(sent[m].kept for m in g))
    statuses = ", ".join(f"{s}: {n}" for s, n in sorted(tally.statuses.items()))
    errors = len(tally.script_errors)
    return [
        ("people stopped by a script error", errors, errors == 0),
        ("people still running at the end", still_running, still_running == 0),
        ("requests", f"{sum(tally.statuses.values())} ({statuses})", True),
        (
            "5xx responses",
            f"{len(tally.server_errors)} ({stray_5xx} while serving)",
            not tally.server_errors,
        ),
        (
            "no answer during kills",
            f"{len(cut)} ({in_flight} in flight when killed, "
            f"{len(cut) - in_flight} sent while down)",
            True,
        ),
        ("no answer while serving", stray, stray == 0),
        ("answers sent", len(sent), True),
        ("acknowledged by 302", outcomes["stored"], True),
        (
            "acknowledged by 409 on re-send",
            f"{outcomes['stored before a re-send']} (stored before the crash)",
            True,
        ),
        ("refused by 409 (other tab)", outcomes["refused"], True),
        (
            "answers re-sent after no answer",
            f"{len(resent)} ({sum(1 for a in resent if a.outcome == 'stored')} "
            "stored by the re-send)",
            True,
        ),
        ("other outcomes", odd or 0, not odd),
        (
            "two tabs at once",
            f"{len(tally.pairs)} pairs, {pairs_ok} kept one and refused the other",
            pairs_ok == len(tally.pairs),
        ),
        (
            f"one question in {OPEN_ROUNDS} rounds",
            f"{len(tally.groups)} groups, {groups_ok} with every answer kept",
            groups_ok == len(tally.groups),
        ),
    ]


def database_rows(found: Findings, acknowledged: int) -> list[Row]:
    """The figures the database gave."""
    return [
        ("answers stored", found.stored, True),
        ("acknowledged answers", acknowledged, True),
        ("acknowledged but missing", found.missing, found.missing == 0),
        ("stored more than once", found.duplicated, found.duplicated == 0),
        ("stored but never sent", found.never_sent, found.never_sent == 0),
        (
            "refused by 409 but stored",
            found.refused_but_stored,
            found.refused_but_stored == 0,
        ),
        ("stored on another round/rating", found.misplaced, found.misplaced == 0),
        ("people split over profiles", found.split_profiles, found.split_profiles == 0),
        (
            "cards differing from a rebuild",
            f"{found.cards_differing} of {found.cards}",
            found.cards_differing == 0,
        ),
        ("integrity_check", found.integrity, found.integrity in ("ok", "n/a")),
    ]


def log_rows(log: str) -> list[Row]:
    """What gunicorn and the app logged."""
    tracebacks = log.count("Traceback (most recent call last)")
    locked = log.count("database is locked")
    logged_5xx = sum(1 for status in logged_statuses(log) if status >= 500)
    return [
        ("tracebacks in the server log", tracebacks, tracebacks == 0),
        ("'database is locked' in the log", locked, locked == 0),
        ("5xx in the access log", logged_5xx, logged_5xx == 0),
    ]


def print_rows(rows: list[Row]) -> bool:
    """Print the figures, marking any that are wrong; True when none is."""
    for name, figure, good in rows:
        print(f"  {name:<34} {figure}{'' if good else '   <-- FAIL'}")
    return all(good for _, _, good in rows)


def main() -> None:
    """Prepare, serve, load (and kill), then check and report."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--people", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=45.0)
    parser.add_argument("--kill", type=int, default=0, metavar="N")
    parser.add_argument(
        "--database", help="a database URL (default: a new SQLite file)"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--log", type=Path, help="keep gunicorn's log in this file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database or f"sqlite:///{Path(tmp) / 'crash.db'}"
        env = server_env(url, WORKERS)
        prepare_database(env)
        first_user = users_before(url)
        server = Server(env, args.log or Path(tmp) / "gunicorn.log")
        server.start()
        tally = Tally()
        deadline = time.monotonic() + args.seconds
        people = [
            Person(n, server.base, tally, deadline, args.seed)
            for n in range(args.people)
        ]
        threads = [threading.Thread(target=p.practise) for p in people]
        try:
            for thread in threads:
                thread.start()
            kills = kill_at_random(
                server, args.kill, args.seconds, tally, random.Random(args.seed)
            )
            for thread in threads:
                thread.join(timeout=args.seconds + RESEND_FOR * 2)
            still_running = sum(1 for thread in threads if thread.is_alive())
        finally:
            server.stop()
        seconds = tally.now()
        log = server.log_text()
        found = audit(url, first_user, tally.sent)
    backend = "PostgreSQL" if url.startswith("postgres") else "SQLite"
    print(
        f"{backend}, {args.people} people for {seconds:.0f} s against {WORKERS} "
        f"gunicorn workers, {args.kill} kills (seed {args.seed})"
    )
    for number, kill in enumerate(kills, start=1):
        master, *workers = kill.pids
        print(
            f"  kill {number} at {kill.at:.1f} s: SIGKILL to master {master} and "
            f"{len(workers)} workers; answering again {kill.back_at - kill.at:.1f} s "
            "later"
        )
    acknowledged = sum(1 for answer in tally.sent.values() if answer.kept)
    print("what the clients saw:")
    good = print_rows(client_rows(tally, kills, still_running))
    print("what the database holds:")
    good = print_rows(database_rows(found, acknowledged)) and good
    print("what the server logged:")
    good = print_rows(log_rows(log)) and good
    print("PASS" if good else "FAIL")
    raise SystemExit(0 if good else 1)


if __name__ == "__main__":
    main()
