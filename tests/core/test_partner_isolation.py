"""A partner user never sees or changes another partner's data — on every route the app has.

Routes are enumerated from the app itself, so a new route is covered the day it is added: a
route whose path parameter has no entry in ``OTHER_PARTNER_IDS`` (or whose JSON body model has no
sample in ``SAMPLE_BODIES``) fails this test until someone adds one.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from fastapi.routing import APIRoute
from sqlalchemy import Engine, select
from starlette.routing import Mount
from tests.conftest import World, csrf_of, login

from cofab.accounts.models import ApiToken, User
from cofab.core.audit import AuditEntry
from cofab.db.session import unit_of_work

# Routes that are not about any partner's data (public, or the caller's own session).
NOT_PARTNER_DATA = {
    "/login",
    "/logout",
    "/lang",
    "/openapi.json",
    "/docs",
    "/docs/oauth2-redirect",
    "/redoc",
    "/healthz",  # probes: no login, no data (tests/core/test_runtime_health.py)
    "/readyz",
    "/password-reset/{token}",  # the one-time link is the credential (tests/accounts)
}

# Path parameter → how to find partner B's object of that kind. ``child_id`` and other generic
# names are resolved by the path's first segment.
IdResolver = Callable[[World, Engine], int]


def _b(key: str) -> IdResolver:
    return lambda world, engine: world.ids["b"][key]


def _b_token(world: World, engine: Engine) -> int:
    from tests.conftest import token_for

    token_for(engine, world.users["partner_b"])
    with unit_of_work(engine) as session:
        user = session.execute(
            select(User).where(User.email == world.users["partner_b"])
        ).scalar_one()
        return (
            session.execute(select(ApiToken.id).where(ApiToken.user_id == user.id))
            .scalars()
            .first()
        )  # type: ignore[return-value]


def _b_job(world: World, engine: Engine) -> int:
    from cofab.accounts import service as accounts_service
    from cofab.core import jobs

    with unit_of_work(engine) as session:
        user = session.execute(
            select(User).where(User.email == world.users["partner_b"])
        ).scalar_one()
        actor = accounts_service.actor_for(user)
        return jobs.enqueue(
            session, actor=actor, kind="test.noop", payload={}, partner_id=world.partner_b
        ).id


def _b_user(world: World, engine: Engine) -> int:
    with unit_of_work(engine) as session:
        return session.execute(
            select(User.id).where(User.email == world.users["partner_b"])
        ).scalar_one()


def _b_unit(world: World, engine: Engine) -> int:
    """Partner B's business unit (the unit axis below makes everything of B belong to it)."""
    from cofab.units import service as units_service

    with unit_of_work(engine) as session:
        unit = units_service.ensure_unit(session, code="unit-b", name_ko="비", name_en="B")
        units_service.link_partner(session, partner_id=world.partner_b, unit_id=unit.id)
        return unit.id


OTHER_PARTNER_IDS: dict[str, IdResolver] = {
    "user_id": _b_user,
    "unit_id": _b_unit,
    "partner_id": _b("partner_id"),
    "site_id": _b("site_id"),
    "contact_id": _b("contact_id"),
    "capability_id": _b("capability_id"),
    "certification_id": _b("certification_id"),
    "token_id": _b_token,
    "job_id": _b_job,
    "contacts:child_id": _b("contact_id"),
    "sites:child_id": _b("site_id"),
    "capabilities:child_id": _b("capability_id"),
    "certifications:child_id": _b("certification_id"),
}
# Other domains add their resolvers here (see notes/HELPERS.md).
EXTRA_RESOLVERS: list[Callable[[World, Engine], dict[str, IdResolver]]] = []

SAMPLE_BODIES: dict[str, dict[str, Any]] = {
    "PartnerCreate": {
        "name_ko": "침입",
        "name_en": "Intruder Co",
        "types": ["supplier"],
        "form": "vertical",
        "country": "KR",
    },
    "PartnerUpdate": {"notes": "hijacked"},
    "StatusChange": {"status": "qualifying"},
    "ContactIn": {"name": "Intruder"},
    "SiteIn": {"name": "Intruder site", "country": "KR"},
    "CapabilityIn": {"process": "Intrusion"},
    "CertificationIn": {
        "standard": "ISO 9001",
        "number": "X",
        "valid_from": "2026-01-01",
        "valid_to": "2027-01-01",
    },
    "TokenCreate": {"name": "mine"},
    "LocaleChange": {"locale": "ko"},
    "PasswordChange": {"current_password": "not-the-password", "new_password": "x-long-enough-9"},
    "RoleChange": {"role": "admin"},
    "MembershipIn": {"unit_ids": [], "all_units": True},
    "UnitIn": {"code": "intruder", "name_ko": "침입", "name_en": "Intruder"},
    "PartnerLinkIn": {"partner_id": 0},
    "UserCreate": {
        "email": "new@x.test",
        "display_name": "N",
        "password": "long-enough-1",
        "role": "viewer",
    },
}
# --- operations: partner B's orders, ASN, receipt, stock, ticket, scorecard, review ---------
SAMPLE_BODIES.update(
    {
        "OrderCreate": {
            "partner_id": 0,
            "external_ref": "INTRUDE-1",
            "currency": "USD",
            "incoterm": "FCA",
            "lines": [
                {"product": "X", "quantity": "1", "unit_price": "1", "requested_date": "2030-01-01"}
            ],
        },
        "LineChange": {"quantity": "999"},
        "AckAction": {"action": "reject", "reason": "hijacked"},
        "ProposalDecision": {"decision": "accept"},
        "ProgressIn": {"stage": "packed", "quantity": "1"},
        "ShipmentCreate": {"external_ref": "EVIL-ASN", "ship_date": "2025-02-01", "lines": []},
        "ReceiptCreate": {"received_date": "2025-02-26", "lines": []},
        "InventorySnapshotIn": {"site_id": 0, "item": "Widget", "on_hand": "999"},
        "SupportTicketCreate": {"partner_id": 0, "subject": "hijacked"},
        "TicketNote": {"note": "hijacked"},
        "ScorecardTemplateIn": {
            "name": "Evil",
            "metrics": [{"kpi": "otd_lines", "weight": 1, "full_at": 0, "zero_at": 100}],
            "bands": [{"grade": "A", "min_score": 0}],
        },
        "ScorecardCompute": {"period_start": "2025-01-01", "partner_id": 0},
        "ScorecardCommentIn": {"kind": "dispute", "body": "hijacked"},
        "DisputeResolution": {"decision": "upheld", "note": "x", "adjusted_score": 100},
        "ReviewCreate": {
            "partner_id": 0,
            "title": "x",
            "held_on": "2025-04-01",
            "period_start": "2025-01-01",
            "period_end": "2025-03-31",
        },
        "ReviewDecisionIn": {"text": "hijacked"},
        "ActionItemIn": {"title": "x", "owner_side": "owner", "due_date": "2025-01-01"},
        "ActionItemUpdate": {"status": "done"},
    }
)


def _operations(world: World, engine: Engine) -> dict[str, IdResolver]:
    from tests.operations.ops_factories import isolation_resolvers

    return isolation_resolvers(world, engine, SAMPLE_BODIES)


EXTRA_RESOLVERS.append(_operations)


# --- end operations -------------------------------------------------------------------------
# --- selection: partner B as a candidate, its checklist item and evidence ---------------------
def _selection(world: World, engine: Engine) -> dict[str, IdResolver]:
    from tests.selection.selection_world import isolation_resolvers

    return isolation_resolvers(world, engine)


def _selection_bodies() -> None:
    from tests.selection.selection_world import SELECTION_SAMPLE_BODIES

    SAMPLE_BODIES.update(SELECTION_SAMPLE_BODIES)


_selection_bodies()
EXTRA_RESOLVERS.append(_selection)
# --- end selection --------------------------------------------------------------------------

# --- contracts: partner B's contract in partner review, a library clause -------------------
_CONTRACT_TERMS = {"term": {"start": "2026-01-01", "end": "2027-01-01"}}
SAMPLE_BODIES.update(
    {
        "ContractCreate": {
            "kind": "nda",
            "title": "Intrusion",
            "partner_ids": [0],
            "terms": _CONTRACT_TERMS,
        },
        "ContractUpdate": {"title": "hijacked"},
        "DraftUpdate": {"terms": _CONTRACT_TERMS},
        "AmendmentCreate": {
            "summary": "hijacked",
            "effective_from": "2026-06-01",
            "terms": _CONTRACT_TERMS,
        },
        "TransitionRequest": {"to": "approved"},
        "CommentCreate": {"body": "hijacked"},
        "RaciUpdate": {"matrix": {}},
        "ClauseCreate": {
            "code": "EVIL",
            "title_en": "x",
            "title_ko": "x",
            "text_en": "x",
            "text_ko": "x",
        },
        "ClauseUpdate": {"text_en": "hijacked"},
        "ReviewDone": {"comment": "hijacked", "next_review_date": "2030-01-01"},
    }
)


def _contracts(world: World, engine: Engine) -> dict[str, IdResolver]:
    from tests.contracts.contract_factories import isolation_resolvers

    return isolation_resolvers(world, engine, SAMPLE_BODIES)


EXTRA_RESOLVERS.append(_contracts)
# --- end contracts --------------------------------------------------------------------------

# --- vault: a confidential drawing shared with partner B only, its version, share, grant ------
SAMPLE_BODIES.update(
    {
        "VaultDocumentCreate": {"title": "Evil", "kind": "drawing", "classification": "public"},
        "VaultDocumentUpdate": {"classification": "public"},
        "VaultShareCreate": {"partner_id": 0},
        "VaultGrantCreate": {"user_id": 1},
        "VaultExitReportCreate": {"partner_id": 0},
        "VaultExitConfirmation": {"note": "hijacked"},
    }
)


def _vault(world: World, engine: Engine) -> dict[str, IdResolver]:
    from tests.vault.vault_factories import isolation_resolvers

    return isolation_resolvers(world, engine, SAMPLE_BODIES)


EXTRA_RESOLVERS.append(_vault)
# --- end vault ------------------------------------------------------------------------------


# --- planning: an owner scenario built on partner B's site (every planning route is 404) -----
def _planning(world: World, engine: Engine) -> dict[str, IdResolver]:
    from tests.planning.planning_web_factories import isolation_resolvers

    return isolation_resolvers(world, engine)


def _planning_bodies() -> None:
    from tests.planning.planning_web_factories import PLANNING_SAMPLE_BODIES

    SAMPLE_BODIES.update(PLANNING_SAMPLE_BODIES)


_planning_bodies()
EXTRA_RESOLVERS.append(_planning)
# --- end planning ---------------------------------------------------------------------------


# --- quality: partner B's plan, rejected lot, NCR, 8D (step D1, an action), checklist, audit ---
def _quality(world: World, engine: Engine) -> dict[str, IdResolver]:
    from tests.quality.quality_web_factories import isolation_resolvers

    return isolation_resolvers(world, engine)


def _quality_bodies() -> None:
    from tests.quality.quality_web_factories import QUALITY_SAMPLE_BODIES

    SAMPLE_BODIES.update(QUALITY_SAMPLE_BODIES)


_quality_bodies()
EXTRA_RESOLVERS.append(_quality)
# --- end quality ----------------------------------------------------------------------------


# --- forecast: partner B's declaration, publication and line; an owner demand forecast -------
def _forecast(world: World, engine: Engine) -> dict[str, IdResolver]:
    from tests.forecast.forecast_factories import isolation_resolvers

    return isolation_resolvers(world, engine)


def _forecast_bodies() -> None:
    from tests.forecast.forecast_factories import FORECAST_SAMPLE_BODIES

    SAMPLE_BODIES.update(FORECAST_SAMPLE_BODIES)


_forecast_bodies()
EXTRA_RESOLVERS.append(_forecast)
# --- end forecast ---------------------------------------------------------------------------


# --- logistics: partner B as a carrier, its lane and a shipment on it -------------------------
def _logistics(world: World, engine: Engine) -> dict[str, IdResolver]:
    from tests.logistics.logistics_factories import isolation_resolvers

    return isolation_resolvers(world, engine, SAMPLE_BODIES)


def _logistics_bodies() -> None:
    from tests.logistics.logistics_factories import LOGISTICS_SAMPLE_BODIES

    SAMPLE_BODIES.update(LOGISTICS_SAMPLE_BODIES)


_logistics_bodies()
EXTRA_RESOLVERS.append(_logistics)
# --- end logistics --------------------------------------------------------------------------


# --- risk: an owner risk about partner B with a mitigation (every risk route is 404) ---------
def _risk(world: World, engine: Engine) -> dict[str, IdResolver]:
    from tests.risk.risk_factories import isolation_resolvers

    return isolation_resolvers(world, engine)


def _risk_bodies() -> None:
    from tests.risk.risk_factories import RISK_SAMPLE_BODIES

    SAMPLE_BODIES.update(RISK_SAMPLE_BODIES)


_risk_bodies()
EXTRA_RESOLVERS.append(_risk)
# --- end risk -------------------------------------------------------------------------------


# --- ventures: partner B as a JV company and an alliance party (partner A is neither) --------
def _ventures(world: World, engine: Engine) -> dict[str, IdResolver]:
    from tests.ventures.ventures_factories import isolation_resolvers

    return isolation_resolvers(world, engine)


def _ventures_bodies() -> None:
    from tests.ventures.ventures_factories import VENTURES_SAMPLE_BODIES

    SAMPLE_BODIES.update(VENTURES_SAMPLE_BODIES)


_ventures_bodies()
EXTRA_RESOLVERS.append(_ventures)
# --- end ventures ---------------------------------------------------------------------------


# --- discussions: a thread on partner B's order with a message by B's user ------------------
def _discussions(world: World, engine: Engine) -> dict[str, IdResolver]:
    from tests.discussions.discussion_factories import isolation_resolvers

    return isolation_resolvers(world, engine)


def _discussions_bodies() -> None:
    from tests.discussions.discussion_factories import DISCUSSION_SAMPLE_BODIES

    SAMPLE_BODIES.update(DISCUSSION_SAMPLE_BODIES)


_discussions_bodies()
EXTRA_RESOLVERS.append(_discussions)
# --- end discussions ------------------------------------------------------------------------


# --- notifications: partner B's 8D action in the inbox and a notification of B's user ---------
def _notifications(world: World, engine: Engine) -> dict[str, IdResolver]:
    from tests.notifications.notification_factories import isolation_resolvers

    return isolation_resolvers(world, engine)


def _notifications_bodies() -> None:
    from tests.notifications.notification_factories import NOTIFICATIONS_SAMPLE_BODIES

    SAMPLE_BODIES.update(NOTIFICATIONS_SAMPLE_BODIES)


_notifications_bodies()
EXTRA_RESOLVERS.append(_notifications)


# --- end notifications ----------------------------------------------------------------------
# --- governance scheduling: a holiday row (no partner's) and the slot finder's bodies --------
def _scheduling(world: World, engine: Engine) -> dict[str, IdResolver]:
    from tests.governance.scheduling_factories import isolation_resolvers

    return isolation_resolvers(world, engine)


def _scheduling_bodies() -> None:
    from tests.governance.scheduling_factories import SCHEDULING_SAMPLE_BODIES

    SAMPLE_BODIES.update(SCHEDULING_SAMPLE_BODIES)


_scheduling_bodies()
EXTRA_RESOLVERS.append(_scheduling)
# --- end governance scheduling --------------------------------------------------------------


# --- development: partner B's joint project with a gate, ledger, invention, checklist --------
def _development(world: World, engine: Engine) -> dict[str, IdResolver]:
    from tests.development.development_factories import isolation_resolvers

    return isolation_resolvers(world, engine)


def _development_bodies() -> None:
    from tests.development.development_factories import DEVELOPMENT_SAMPLE_BODIES

    SAMPLE_BODIES.update(DEVELOPMENT_SAMPLE_BODIES)


_development_bodies()
EXTRA_RESOLVERS.append(_development)
# --- end development ------------------------------------------------------------------------


# --- training: partner B's training record and an SOP it must acknowledge ----------------
def _training(world: World, engine: Engine) -> dict[str, IdResolver]:
    from tests.training.training_factories import isolation_resolvers

    return isolation_resolvers(world, engine)


def _training_bodies() -> None:
    from tests.training.training_factories import TRAINING_SAMPLE_BODIES

    SAMPLE_BODIES.update(TRAINING_SAMPLE_BODIES)


_training_bodies()
EXTRA_RESOLVERS.append(_training)


# --- end training ---------------------------------------------------------------------------
# --- governance records: partner B's committee, meeting, decision, action item --------------
def _governance(world: World, engine: Engine) -> dict[str, IdResolver]:
    from tests.governance.governance_factories import isolation_resolvers

    return isolation_resolvers(world, engine)


def _governance_bodies() -> None:
    from tests.governance.governance_factories import GOVERNANCE_SAMPLE_BODIES

    SAMPLE_BODIES.update(GOVERNANCE_SAMPLE_BODIES)


_governance_bodies()
EXTRA_RESOLVERS.append(_governance)
# --- end governance records -----------------------------------------------------------------
# An upload that tries to add a site to partner B.
MULTIPART_SAMPLE = {
    "file": ("x.csv", b"external_ref,partner_ref,name,country\nX1,REF-Bravo Bioworks,Evil,KR\n")
}
FORM_SAMPLE = {
    "name": "Intruder",
    "status": "qualifying",
    "country": "KR",
    "standard": "ISO 9001",
    "number": "X",
    "valid_from": "2026-01-01",
    "valid_to": "2027-01-01",
    "process": "Intrusion",
    "notes": "hijacked",
    "name_en": "Intruder Co",
    "name_ko": "침입",
    "form": "vertical",
    "types": "supplier",
}


def _flatten(routes: list[Any]) -> list[Any]:
    """FastAPI may keep included routers as one entry each; open them up (no prefixes are added
    at include time in cofab, so each route's own path is its full path)."""
    flat: list[Any] = []
    for route in routes:
        inner = getattr(route, "original_router", None)
        flat.extend(_flatten(list(inner.routes)) if inner is not None else [route])
    return flat


def _routes(app) -> list[tuple[str, str, APIRoute]]:  # type: ignore[no-untyped-def]
    found = []
    for route in _flatten(list(app.routes)):
        if isinstance(route, Mount) or not isinstance(route, APIRoute):
            continue
        if route.path in NOT_PARTNER_DATA:
            continue
        for method in sorted(route.methods - {"HEAD", "OPTIONS"}):
            found.append((method, route.path, route))
    return found


def _resolve(path: str, world: World, engine: Engine, resolvers: dict[str, IdResolver]) -> str:
    first = path.strip("/").split("/")[0]
    if first == "api":
        first = path.strip("/").split("/")[2]

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        resolver = resolvers.get(f"{first}:{name}") or resolvers.get(name)
        if resolver is None:
            pytest.fail(
                f"{path}: no partner-B id for path parameter '{name}' — add it to OTHER_PARTNER_IDS"
            )
        return str(resolver(world, engine))

    return re.sub(r"\{([a-z_]+)(?::[a-z]+)?\}", replace, path)


def _json_body(route: APIRoute) -> dict[str, Any] | None:
    body_field = route.body_field
    if body_field is None:
        return None
    annotation = getattr(body_field.field_info, "annotation", None) or getattr(
        body_field, "type_", None
    )
    name = getattr(annotation, "__name__", "")
    if name in SAMPLE_BODIES:
        return SAMPLE_BODIES[name]
    schema_name = body_field.name
    if name.startswith("Body_") or schema_name.startswith("Body_"):
        return None  # form/multipart body: sent as MULTIPART_SAMPLE
    pytest.fail(
        f"{route.path}: no sample body for {name or schema_name} — add one to SAMPLE_BODIES"
    )


def _partner_b_fingerprint(engine: Engine, world: World) -> str:
    """Everything partner B owns, serialised — must be byte-identical before and after the sweep."""
    from cofab.domains import load_all_models

    parts = []
    with engine.connect() as conn:
        for table in load_all_models().sorted_tables:
            if table.name in ("audit_log", "login_failures", "api_tokens", "users"):
                continue
            column = table.c.get("partner_id") if table.name != "partners" else table.c.id
            if column is None:
                continue
            rows = conn.execute(
                table.select().where(column == world.partner_b).order_by(*table.primary_key.columns)
            ).all()
            parts.append(f"{table.name}:{[tuple(map(str, r)) for r in rows]}")
    return "\n".join(parts)


@pytest.mark.parametrize("channel", ["api", "pages"])
def test_partner_user_cannot_reach_another_partners_objects(
    channel: str,
    world: World,
    app,
    base_url: str,
    engine: Engine,
    api,  # type: ignore[no-untyped-def]
) -> None:
    resolvers = dict(OTHER_PARTNER_IDS)
    for extra in EXTRA_RESOLVERS:
        resolvers.update(extra(world, engine))
    if channel == "api":
        client: httpx.Client = api(world.users["partner_a"])
        csrf = ""
    else:
        client = login(base_url, world.users["partner_a"])
        csrf = csrf_of(client, f"/partners/{world.partner_a}")
    cache: dict[str, int] = {}
    cached = {
        k: (lambda w, e, k=k, f=f: cache.setdefault(k, f(w, e))) for k, f in resolvers.items()
    }
    plan = [(m, p, r, _resolve(p, world, engine, cached)) for m, p, r in _routes(app)]
    before = _partner_b_fingerprint(engine, world)
    b_names = [
        "Bravo Bioworks",
        "Bravo Bioworks Site",
        "CERT-b",
        "Bravo Bioworks Contact",
        "Bravo Bioworks process",
    ]
    checked = 0
    for method, path, route, url in plan:
        is_api = path.startswith("/api/")
        if is_api != (channel == "api"):
            continue
        has_params = "{" in path
        kwargs: dict[str, Any] = {}
        if method != "GET":
            if is_api:
                body = _json_body(route)
                if body is not None:
                    kwargs["json"] = body | (
                        {"partner_id": world.partner_b} if "partner_id" in body else {}
                    )
                elif route.body_field is not None:
                    kwargs["files"] = MULTIPART_SAMPLE
            else:
                kwargs["data"] = FORM_SAMPLE | {"csrf_token": csrf}
        response = client.request(method, url, **kwargs)
        checked += 1
        if has_params and "token_id" not in path:
            assert response.status_code in (403, 404), (
                f"{method} {url} → {response.status_code}: {response.text[:200]}"
            )
        elif has_params:
            assert response.status_code in (403, 404), f"{method} {url} → {response.status_code}"
        if response.status_code < 400:
            text = (
                response.text
                if "text" in response.headers.get("content-type", "")
                or "json" in response.headers.get("content-type", "")
                else response.content.decode("utf-8", "ignore")
            )
            for name in b_names:
                assert name not in text, f"{method} {url} leaked '{name}'"
    assert checked > 10
    assert _partner_b_fingerprint(engine, world) == before, (
        "partner B's data changed during the sweep"
    )
    with unit_of_work(engine) as session:
        leaked = session.execute(
            select(AuditEntry).where(
                AuditEntry.partner_id == world.partner_b,
                AuditEntry.actor_label == world.users["partner_a"],
            )
        ).first()
    assert leaked is None


def test_positive_control_partner_sees_its_own_records(world: World, api) -> None:
    """Guards against a sweep that passes only because everything is refused."""
    client = api(world.users["partner_a"])
    assert client.get(f"/api/v1/partners/{world.partner_a}").status_code == 200
    assert client.get(f"/api/v1/sites/{world.ids['a']['site_id']}").status_code == 200
    assert (
        client.put(
            f"/api/v1/contacts/{world.ids['a']['contact_id']}", json={"name": "Renamed"}
        ).status_code
        == 200
    )
    assert client.get(f"/api/v1/partners/{world.partner_b}").status_code == 404


# --- role axis: a viewer reads everything and writes nothing --------------------------------
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
# The caller's own account (language, personal API tokens), not the company's data.
SELF_SERVICE = {
    "/unit",  # the unit new records go to: a cookie, like the language
    "/api/v1/me/locale",
    "/api/v1/me/tokens",
    "/api/v1/me/tokens/{token_id}",
    "/api/v1/me/password",
    "/account/password",
    "/account/tokens",
    "/account/tokens/{token_id}/revoke",
    # one's own notifications and notification settings
    "/api/v1/notifications/read-all",
    "/notifications/read-all",
    "/api/v1/notifications/prefs",
    "/notifications/prefs",
}
# Calculators that answer from the request alone and store nothing: a viewer may use them; the
# unchanged database below proves they stored nothing.
PURE_CALCULATORS = {
    "/api/v1/selection/ahp",
    "/selection/ahp-preview",
    "/api/v1/plans/make-or-buy",
    "/planning/{scenario_id}/make-or-buy",
    "/api/v1/contracts/{contract_id}/penalties",
    "/contracts/{contract_id}/penalties",
    "/api/v1/governance/slots",  # the slot finder stores nothing
}


def _database_fingerprint(engine: Engine) -> dict[str, str]:
    """Every table's rows, serialised — except the caller's own login traces (users, tokens)."""
    from cofab.domains import load_all_models

    skipped = {"users", "api_tokens", "login_failures"}
    found: dict[str, str] = {}
    with engine.connect() as conn:
        for table in load_all_models().sorted_tables:
            if table.name in skipped:
                continue
            rows = conn.execute(table.select().order_by(*table.primary_key.columns)).all()
            found[table.name] = repr([tuple(map(str, row)) for row in rows])
    return found


@pytest.mark.parametrize("channel", ["api", "pages"])
def test_viewer_writes_nothing_on_any_route(
    channel: str,
    world: World,
    app,
    base_url: str,
    engine: Engine,
    api,  # type: ignore[no-untyped-def]
) -> None:
    resolvers = dict(OTHER_PARTNER_IDS)
    for extra in EXTRA_RESOLVERS:
        resolvers.update(extra(world, engine))
    cache: dict[str, int] = {}
    cached = {
        k: (lambda w, e, k=k, f=f: cache.setdefault(k, f(w, e))) for k, f in resolvers.items()
    }
    plan = [
        (m, p, r, _resolve(p, world, engine, cached))
        for m, p, r in _routes(app)
        if m in UNSAFE_METHODS
        and p not in SELF_SERVICE
        and p.startswith("/api/") == (channel == "api")
    ]
    if channel == "api":
        client: httpx.Client = api(world.users["viewer"])
        csrf = ""
    else:
        client = login(base_url, world.users["viewer"])
        csrf = csrf_of(client, f"/partners/{world.partner_a}")
    before = _database_fingerprint(engine)
    wrong: list[str] = []
    for method, path, route, url in plan:
        kwargs: dict[str, Any] = {}
        if channel == "api":
            body = _json_body(route)
            if body is not None:
                kwargs["json"] = body | (
                    {"partner_id": world.partner_b} if "partner_id" in body else {}
                )
            elif route.body_field is not None:
                kwargs["files"] = MULTIPART_SAMPLE
        else:
            kwargs["data"] = FORM_SAMPLE | {"csrf_token": csrf}
        status = client.request(method, url, **kwargs).status_code
        allowed = (403, 404) if path not in PURE_CALCULATORS else tuple(range(200, 500))
        if status not in allowed:
            wrong.append(f"{method} {url} → {status}")
    assert not wrong, "a viewer was not refused:\n" + "\n".join(wrong)
    assert len(plan) > 30
    after = _database_fingerprint(engine)
    changed = [name for name in before if before[name] != after.get(name)]
    assert not changed, f"a viewer's requests changed {changed}"


def test_positive_control_viewer_reads_and_a_manager_writes(world: World, api) -> None:
    """Guards the viewer sweep against passing only because every request is refused."""
    viewer, manager = api(world.users["viewer"]), api(world.users["manager"])
    assert viewer.get(f"/api/v1/partners/{world.partner_b}").status_code == 200
    assert (
        viewer.patch(f"/api/v1/partners/{world.partner_b}", json={"notes": "x"}).status_code == 403
    )
    assert (
        manager.patch(f"/api/v1/partners/{world.partner_b}", json={"notes": "x"}).status_code == 200
    )


# --- quality SPC: partner B's characteristic with measurements (chart, capability, import) --
def _quality_spc(world: World, engine: Engine) -> dict[str, IdResolver]:
    from tests.quality.spc_factories import isolation_resolvers

    return isolation_resolvers(world, engine)


EXTRA_RESOLVERS.append(_quality_spc)
# --- end quality SPC ------------------------------------------------------------------------
