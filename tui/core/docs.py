"""A provider's documentation as Markdown, built from its pack.

Used by the TUI's docs pane (and by anyone else who wants a readable overview); pure, no Textual, no I/O.
"""

from __future__ import annotations

from collections import Counter
from typing import Iterable

from .model import Endpoint, PagingSpec, Provider

__all__ = ["provider_docs"]


def _cell(text: object) -> str:
    """Text safe inside a Markdown table cell."""
    s = "" if text is None else str(text)
    return s.replace("|", "\\|").replace("\n", " ").strip()


def _table(header: Iterable[str], rows: Iterable[Iterable[object]]) -> list[str]:
    header = list(header)
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    out += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return out


def _status_sort(code: str) -> tuple[int, str]:
    digits = "".join(ch if ch.isdecimal() else "9" for ch in code)
    return (int(digits) if digits.isdecimal() else 999, code)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _auth_section(p: Provider) -> list[str]:
    a = p.auth
    out = ["## Authentication", ""]
    if a.description:
        out += [a.description, ""]
    if not a.placements and not a.credentials:
        out += ["No authentication is described for this provider.", ""]
        return out
    if a.placements:
        out.append("How the credentials are sent (the first is the default):")
        out.append("")
        for i, pl in enumerate(a.placements):
            default = " (default)" if i == 0 and len(a.placements) > 1 else ""
            if pl.location == "header":
                prefix = f"`{pl.prefix}` + " if pl.prefix else ""
                out.append(f"- the `{pl.name}` header: {prefix}the `{pl.field}` credential{default}")
            elif pl.location == "query":
                out.append(f"- the `{pl.name}` query parameter: the `{pl.field}` credential{default}")
            else:
                out.append(f"- HTTP Basic: `{pl.field}` as the user name and `{pl.password_field}` as the "
                           f"password{default}")
        out.append("")
    if a.login:
        lg = a.login
        fields = ", ".join(f"`{k}`" for k in lg.fields)
        out += [
            f"**Login flow.** `{lg.method} {lg.path}` with {fields}; the token is read from `{lg.token_pointer}` "
            f"in the answer and kept as the `{lg.stores}` credential.",
            "",
        ]
    if a.credentials:
        out.append("Credentials, and the environment variables that provide them for live calls:")
        out.append("")
        out += _table(
            ["Credential", "Environment variable", "Secret", "What it is"],
            [(c.label or c.name, f"`{c.env}`" if c.env else "-", "yes" if c.secret else "no", c.description)
             for c in a.credentials],
        )
        out.append("")
    if a.sandbox_default or a.sandbox_accounts:
        out.append("**Sandbox accounts.**")
        out.append("")
        if a.sandbox_default:
            out.append("- default: " + _values(a.sandbox_default, a))
        for acc in a.sandbox_accounts:
            note = f" ({acc.note})" if acc.note else ""
            out.append(f"- {acc.label}{note}: " + _values(acc.values, a))
        out.append("")
    return out


def _values(values, auth) -> str:
    # Sandbox values are public demo credentials, so they are shown as they are.
    return ", ".join(f"{k} `{v}`" for k, v in values.items()) if values else "-"


def _errors_section(p: Provider) -> list[str]:
    e = p.errors
    out = ["## Status codes and errors", ""]
    if e.statuses:
        out += _table(["Status", "Meaning"], sorted(e.statuses.items(), key=lambda kv: _status_sort(kv[0])))
        out.append("")
    else:
        out += ["The pack documents no status codes.", ""]
    if e.message_fields:
        where = ", ".join(f"`{f}`" for f in e.message_fields)
        out.append(f"The provider's own error message is read from {where}"
                   + (f"; field errors from the `{e.errors_map_field}` map." if e.errors_map_field else "."))
        out.append("")
    if e.messages:
        out.append("Error messages and what they mean:")
        out.append("")
        out += _table(["Message", "Meaning", "What to do"], [(f"`{m.pattern}`", m.meaning, m.hint)
                                                               for m in e.messages])
        out.append("")
    return out


def _paging_text(pg: PagingSpec) -> str:
    if pg.style == "page":
        parts = [f"`{pg.page_param}` (from {pg.first_page}) and `{pg.size_param}`"]
    else:
        parts = [f"`{pg.size_param}` and `{pg.offset_param}`"]
    heads = [h for h in (pg.total_header, pg.size_header, pg.link_header) if h]
    if heads:
        parts.append("headers " + ", ".join(f"`{h}`" for h in heads))
    if pg.more_field:
        parts.append(f"`{pg.more_field}` says whether more remain")
    if pg.items_field:
        parts.append(f"items in `{pg.items_field}`")
    return "; ".join(parts)


def _paging_section(p: Provider) -> list[str]:
    paged = [ep for ep in p.endpoints if ep.paging.paged]
    out = ["## Paging", ""]
    if not paged:
        out += ["No endpoint of this provider is paged.", ""]
        return out
    styles: dict[str, PagingSpec] = {}
    for ep in paged:
        styles.setdefault(ep.paging.style, ep.paging)
    for style, spec in styles.items():
        label = "Page style" if style == "page" else "Offset style"
        out.append(f"- {label}: {_paging_text(spec)}.")
    out.append(f"- {_plural(len(paged), 'endpoint')} of {len(p.endpoints)} page.")
    out.append("")
    rows = []
    for ep in paged:
        d = ep.paging.default_size
        m = ep.paging.max_size
        rows.append((f"`{ep.method} {ep.path}`", d if d is not None else "-", m if m is not None else "no cap"))
    out += _table(["Endpoint", "Default size", "Maximum"], rows)
    out.append("")
    return out


def _rate_section(p: Provider) -> list[str]:
    rl = p.rate_limit
    out = ["## Rate limit", ""]
    if rl.description:
        out += [rl.description, ""]
    if rl.limit is None:
        out.append("No known limit.")
    else:
        window = f"{rl.window_s:g} s"
        out.append(f"- At most {rl.limit} requests per {window}, counted per {rl.scope}.")
        if rl.guard:
            out.append(f"- apiplay refuses to send request {rl.limit + 1} within the window unless you force it.")
        if rl.block_s:
            out.append(f"- After a hit the server blocks the caller for {rl.block_s:g} s.")
    if rl.count_field or rl.reset_field:
        out.append(f"- The server reports its count in `{rl.count_field}` and the seconds until it resets in "
                   f"`{rl.reset_field}`.")
    if rl.hit_status or rl.hit_pattern:
        status = f"status {rl.hit_status}" if rl.hit_status else "an error"
        pattern = f" with a message matching `{rl.hit_pattern}`" if rl.hit_pattern else ""
        out.append(f"- A rate-limit answer is {status}{pattern}.")
    if rl.standard_headers:
        out.append("- The standard `RateLimit-*`, `X-RateLimit-*` and `Retry-After` headers are read.")
    else:
        out.append("- No rate-limit headers.")
    out.append("")
    return out


def _endpoint_section(p: Provider) -> list[str]:
    eps: tuple[Endpoint, ...] = p.endpoints
    out = ["## Endpoints", "", f"{_plural(len(eps), 'endpoint')}."]
    out.append("")
    by_tag = Counter(ep.tag for ep in eps)
    order = [t for t in p.tags if t in by_tag] + sorted(t for t in by_tag if t not in p.tags)
    out += _table(["Group", "Endpoints", "About"], [(t, by_tag[t], p.tags.get(t, "")) for t in order])
    out.append("")
    by_auth = Counter(ep.auth for ep in eps)
    out.append("By authentication: " + ", ".join(f"{k} {v}" for k, v in sorted(by_auth.items())) + ".")
    by_ev = Counter(ep.evidence for ep in eps if ep.evidence)
    if by_ev:
        names = {"documented": "documented", "seen-in-client": "seen in a client", "inferred": "inferred"}
        out.append("")
        out.append("By evidence: " + ", ".join(f"{names.get(k, k)} {v}" for k, v in sorted(by_ev.items())) + ".")
    methods = Counter(ep.method for ep in eps)
    out.append("")
    out.append("By method: " + ", ".join(f"{k} {v}" for k, v in sorted(methods.items())) + ".")
    out.append("")
    return out


def _targets_section(p: Provider) -> list[str]:
    t = p.targets
    out = ["## Base URLs", ""]
    out.append(f"- Live: `{t.live_url}`" if t.live_url else "- Live: not given by the pack")
    out.append(f"- Sandbox: `{{sandbox}}{t.sandbox_path}`" if t.sandbox_path else "- Sandbox: none")
    for name, v in t.variables.items():
        choices = ", ".join(f"`{c}`" if c else "(empty)" for c in v.enum)
        extra = f" (one of {choices})" if choices else ""
        desc = f": {v.description}" if v.description else ""
        out.append(f"- `{{{name}}}` defaults to `{v.default}`{extra}{desc}")
    out.append("")
    return out


def provider_docs(provider: Provider) -> str:
    """Readable Markdown for one provider: intro, auth, errors, paging, rate limit, endpoint counts."""
    p = provider
    out = [f"# {p.name}", ""]
    if p.description:
        out += [p.description, ""]
    if p.docs:
        out += [p.docs.strip(), ""]
    if not p.builtin and p.source:
        out += [f"Loaded from `{p.source}`.", ""]
    out += _targets_section(p)
    out += _auth_section(p)
    out += _errors_section(p)
    out += _paging_section(p)
    out += _rate_section(p)
    out += _endpoint_section(p)
    if p.envelope_data_field:
        out += ["## Envelope", "", f"Every answer wraps its payload in `{p.envelope_data_field}`.", ""]
    return "\n".join(out).rstrip() + "\n"
