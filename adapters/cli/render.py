"""Rich tables for people: the same words as the help pages (token texts from seed 001,
marketplace labels from seed 000), coloured by how worried support should be. Times are UTC
ISO, like the `--json` output, so a screen and a script never disagree."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from adapters.cli.layout import Record, Responsive, records
from adapters.formats.views import iso
from application.marketplace_views import MarketplaceHistory, MarketplaceView, TransitionView
from application.support import ForecastItem
from application.views import ConnectionView, GrantView, MarketplacesSummary
from domain.connection import Health
from domain.events import AuditEvent
from domain.grant import Channel, TokenStatus
from domain.marketplace import MarketplaceState

HEALTH_STYLE: dict[Health, str] = {
    Health.CONNECTED: "green",
    Health.EXPIRING: "yellow",
    Health.RECONNECT_REQUIRED: "bold red",
    Health.INCOMPLETE: "cyan",
    Health.DISCONNECTED: "dim",
}
# Seed 004 calls reconnect_required "Disconnected / Reconnect Required".
HEALTH_WORDS: dict[Health, str] = {
    Health.CONNECTED: "Connected",
    Health.EXPIRING: "Expiring",
    Health.RECONNECT_REQUIRED: "Reconnect required",
    Health.INCOMPLETE: "Incomplete",
    Health.DISCONNECTED: "Disconnected",
}
TOKEN_STYLE: dict[TokenStatus, str] = {
    TokenStatus.CURRENT: "green",
    TokenStatus.EXPIRING: "yellow",
    TokenStatus.EXPIRED: "bold red",
    TokenStatus.REVOKED: "bold red",
    TokenStatus.MISSING: "dim",
}
STATE_STYLE: dict[MarketplaceState, str] = {
    MarketplaceState.READY: "green",
    MarketplaceState.SYNCING: "cyan",
    MarketplaceState.SETTING_UP: "cyan",
    MarketplaceState.AVAILABLE: "",
    MarketplaceState.FAILED: "red",
    MarketplaceState.ESCALATED: "bold red",
    MarketplaceState.COMING_SOON: "dim",
    MarketplaceState.NOT_PARTICIPATING: "dim",
}
CHANNEL_WORDS: dict[Channel, str] = {Channel.ADS: "Amazon Ads", Channel.SP_API: "SP-API"}
TOKEN_LABEL: dict[Channel, str] = {Channel.ADS: "Ads", Channel.SP_API: "SP-API"}


def when(moment: datetime | None) -> str:
    return iso(moment) or "-"


def health(value: Health) -> Text:
    return Text(HEALTH_WORDS[value], style=HEALTH_STYLE[value])


def token(grant: GrantView) -> Text:
    text = Text(grant.status_text, style=TOKEN_STYLE[grant.status])
    if not grant.required:
        text.append(" (optional)", style="dim")
    return text


def state(value: MarketplaceState, label: str) -> Text:
    return Text(label, style=STATE_STYLE[value])


def summary(counts: MarketplacesSummary) -> str:
    parts = [f"{n} {state_word}" for state_word, n in counts.items() if n]
    return ", ".join(parts).replace("_", " ") or "-"


def connections_table(views: Sequence[ConnectionView]) -> Responsive:
    title = f"{len(views)} connection{'s' if len(views) != 1 else ''}"
    table = _table(title=title)
    _id_column(table, "Connection", max((len(v.id) for v in views), default=0))
    _id_column(table, "Team", max((len(v.team_id) for v in views), default=0))
    table.add_column("Account")
    _id_column(table, "Seller id", max((len(v.selling_partner_id or "") for v in views), default=0))
    table.add_column("Health", no_wrap=True)
    table.add_column("Tokens")
    table.add_column("Marketplaces")
    for v in views:
        account = Text(v.display_name or "-")
        account.append(f"\n{v.account_type} {v.region}", style="dim")
        tokens = Text("\n").join(
            Text.assemble(f"{TOKEN_LABEL[g.channel]}: ", token(g)) for g in v.grants
        )
        table.add_row(
            v.id,
            v.team_id,
            account,
            v.selling_partner_id or v.ads_account_id or "-",
            health(v.health),
            tokens,
            summary(v.marketplaces_summary),
        )
    narrow = records(
        title,
        (
            Record(
                v.id,
                [
                    ("Team", v.team_id),
                    ("Account", f"{v.display_name or '-'} ({v.account_type} {v.region})"),
                    ("Seller id", v.selling_partner_id or v.ads_account_id or "-"),
                    ("Health", health(v.health)),
                    *((f"{TOKEN_LABEL[g.channel]} token", token(g)) for g in v.grants),
                    ("Marketplaces", summary(v.marketplaces_summary)),
                ],
            )
            for v in views
        ),
    )
    return Responsive(table, narrow)


def connection_detail(view: ConnectionView, marketplaces: Sequence[MarketplaceView]) -> Group:
    facts = Table.grid(padding=(0, 2))
    facts.add_column(style="bold")
    facts.add_column()
    facts.add_row("Connection", view.id)
    facts.add_row("Team", view.team_id)
    facts.add_row("Name", view.display_name or "-")
    facts.add_row("Account type", str(view.account_type))
    facts.add_row("Region", str(view.region))
    facts.add_row("Seller id", view.selling_partner_id or "-")
    facts.add_row("Ads account id", view.ads_account_id or "-")
    facts.add_row("Health", health(view.health))
    facts.add_row("Connected since", when(view.created_at))
    if view.disconnected_at is not None:
        facts.add_row("Disconnected at", when(view.disconnected_at))
    if view.profile is None:
        facts.add_row("Profile", Text("none selected", style="yellow"))
    else:
        p = view.profile
        how = "chosen automatically (only one)" if view.profile_auto_selected else "chosen"
        facts.add_row(
            "Profile", f"{p.profile_id} {p.country_code} {p.currency_code} {p.account_name} ({how})"
        )

    grants = _table(title="Tokens", title_justify="left")
    grants.add_column("Channel", min_width=6)
    grants.add_column("Status", min_width=7)
    for column in ("Authorized", "Expires", "Last refresh"):
        _time_column(grants, column)
    for g in view.grants:
        refreshed = Text(when(g.last_refresh_at))
        if g.last_refresh_error:
            refreshed.append(f"\nfailed: {g.last_refresh_error}", style="red")
        grants.add_row(
            CHANNEL_WORDS[g.channel], token(g), when(g.authorized_at), when(g.expires_at), refreshed
        )
    narrow_grants = records(
        "Tokens",
        (
            Record(
                Text.assemble(f"{CHANNEL_WORDS[g.channel]}  ", token(g)),
                [
                    ("Authorized", when(g.authorized_at)),
                    ("Expires", when(g.expires_at)),
                    ("Last refresh", when(g.last_refresh_at)),
                    *(
                        [("Refresh failed", Text(g.last_refresh_error, style="red"))]
                        if g.last_refresh_error
                        else []
                    ),
                ],
            )
            for g in view.grants
        ),
    )
    return Group(
        facts,
        Text(""),
        Responsive(grants, narrow_grants),
        Text(""),
        marketplaces_table(marketplaces),
    )


def marketplaces_table(marketplaces: Sequence[MarketplaceView]) -> Responsive:
    table = _table(title="Marketplaces", title_justify="left")
    for column in ("Country", "Marketplace id", "Name", "State", "Selected", "Retries"):
        table.add_column(column, no_wrap=True)
    table.add_column("Why", min_width=12)
    for m in marketplaces:
        table.add_row(
            m.country_code,
            m.marketplace_id,
            m.name,
            state(m.state, m.label),
            "active" if m.active else ("yes" if m.selected else "no"),
            f"{m.retries_used}/{m.retry_limit}",
            m.reason or "",
        )
    caption = None
    if not marketplaces:
        caption = "No marketplaces yet: SP-API not authorized or nothing discovered."
        table.caption = caption
    narrow = records(
        "Marketplaces",
        (
            Record(
                Text.assemble(f"{m.country_code}  {m.marketplace_id}  ", state(m.state, m.label)),
                [
                    ("Name", m.name),
                    ("Selected", "active" if m.active else ("yes" if m.selected else "no")),
                    ("Retries", f"{m.retries_used}/{m.retry_limit}"),
                    *([("Why", m.reason)] if m.reason else []),
                ],
            )
            for m in marketplaces
        ),
        caption,
    )
    return Responsive(table, narrow)


def transitions_table(title: str, steps: Sequence[TransitionView]) -> Responsive:
    table = _table(title=title, title_justify="left")
    _time_column(table)
    for column in ("From", "To", "Reason", "By"):
        table.add_column(column, no_wrap=column != "Reason")
    for t in steps:
        table.add_row(
            when(t.at),
            str(t.from_state) if t.from_state is not None else "-",
            Text(str(t.to_state), style=STATE_STYLE[t.to_state]),
            t.reason,
            t.actor,
        )
    narrow = records(
        title,
        (
            Record(
                Text.assemble(
                    f"{when(t.at)}  {t.from_state if t.from_state is not None else '-'} -> ",
                    (str(t.to_state), STATE_STYLE[t.to_state]),
                ),
                [("Reason", t.reason), ("By", t.actor)],
            )
            for t in steps
        ),
    )
    return Responsive(table, narrow)


def history(found: MarketplaceHistory) -> Group:
    m = found.marketplace
    head = Text.assemble(
        (f"{m.name} ({m.country_code}, {m.marketplace_id}) ", "bold"),
        state(m.state, m.label),
        f"  retries used {m.retries_used} of {m.retry_limit}",
    )
    parts: list[RenderableType] = [head]
    if m.last_error:
        parts.append(Text(f"Last error: {m.last_error}", style="red"))
    if m.reason:
        parts.append(Text(m.reason))
    parts += [
        Text(""),
        transitions_table("Every transition, oldest first", found.items),
        Text(""),
        transitions_table("Retry history", found.retry_history),
    ]
    return Group(*parts)


def retry_history_from_context(entries: Sequence[Mapping[str, object]]) -> Table:
    """The retry history RETRY_LIMIT_EXCEEDED carries, as the escalation shows it."""
    table = _table(title="Retry history", title_justify="left")
    _time_column(table)
    for column in ("From", "To", "Reason", "By"):
        table.add_column(column, no_wrap=column != "Reason")
    for e in entries:
        at = e.get("at")
        table.add_row(
            str(at).replace("+00:00", "Z") if at else "-",
            str(e.get("from_state") or "-"),
            str(e.get("to_state") or "-"),
            str(e.get("reason") or ""),
            str(e.get("actor") or ""),
        )
    return table


def timeline_table(connection_id: str, events: Sequence[AuditEvent]) -> Responsive:
    title = f"Timeline of {connection_id}, newest first"
    table = _table(title=title, title_justify="left")
    _time_column(table)
    for column in ("What", "By", "Summary"):
        table.add_column(column, no_wrap=column != "Summary")
    for e in events:
        table.add_row(when(e.at), str(e.kind), e.actor, e.summary)
    caption = "Nothing happened in this window." if not events else None
    table.caption = caption
    narrow = records(
        title,
        (Record(f"{when(e.at)}  {e.kind}", [("By", e.actor), ("What", e.summary)]) for e in events),
        caption,
    )
    return Responsive(table, narrow)


def forecast_tables(
    teams: Mapping[str, Sequence[ForecastItem]], *, until: datetime
) -> list[RenderableType]:
    if not teams:
        return [Text(f"No authorization expires before {when(until)}.", style="green")]
    out: list[RenderableType] = []
    for team_id, items in teams.items():
        name = items[0].team_name if items else ""
        table = _table(title=f"{name} ({team_id})" if name else team_id, title_justify="left")
        for column in ("Connection", "Name", "Seller id", "Channel", "Status"):
            table.add_column(column, no_wrap=column != "Name")
        _time_column(table, "Expires (UTC)")
        for i in items:
            table.add_row(
                i.connection_id,
                i.display_name or "-",
                i.selling_partner_id or "-",
                CHANNEL_WORDS[i.channel],
                Text(i.status_text, style=TOKEN_STYLE[i.status]),
                when(i.expires_at),
            )
        narrow = records(
            str(table.title),
            (
                Record(
                    i.connection_id,
                    [
                        ("Name", i.display_name or "-"),
                        ("Seller id", i.selling_partner_id or "-"),
                        ("Channel", CHANNEL_WORDS[i.channel]),
                        ("Status", Text(i.status_text, style=TOKEN_STYLE[i.status])),
                        ("Expires", when(i.expires_at)),
                    ],
                )
                for i in items
            ),
        )
        out.append(Responsive(table, narrow))
    return out


def _table(*, title: str, title_justify: str = "left") -> Table:
    """No vertical rules: at 100 columns every character goes to the data."""
    return Table(
        title=title,
        title_justify=title_justify,  # type: ignore[arg-type]
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        show_edge=False,
    )


def _time_column(table: Table, header: str = "At (UTC)") -> None:
    """Never cut a time short: a truncated timestamp in a ticket is worse than none."""
    table.add_column(header, no_wrap=True, overflow="fold", min_width=len("2026-01-05T09:00:00Z"))


def _id_column(table: Table, header: str, width: int = 0) -> None:
    """Ids are copied into the next command: fold a long one, never cut it."""
    table.add_column(header, overflow="fold", min_width=max(len(header), width))
