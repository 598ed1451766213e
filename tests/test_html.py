"""--format html: one self-contained page. Well formed, its counts the view's, one block per
listed finding, nothing from the facts ever markup, no network, and a script that runs clean
in a real browser (headless Chromium)."""

from __future__ import annotations

import base64
import hashlib
import os
import re
import shutil
import subprocess
from collections import Counter
from dataclasses import dataclass, field, replace
from html.parser import HTMLParser
from pathlib import Path

import polars as pl
import pytest
import yaml
from click.testing import CliRunner

from cchc.cli import main
from cchc.engine.evaluation import Evaluation
from cchc.reports import html
from cchc.reports.view import RenderOptions, ReportView

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
# Attributes that make a browser fetch something.
FETCHING = {"src", "href", "action", "formaction", "poster", "data", "srcset", "xlink:href"}
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
SCREENSHOT = ARTIFACTS / "html-hanoi-2019-vi.png"
EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


@dataclass
class Page(HTMLParser):
    """The page as html.parser reads it: whether every element closes in order, every element
    with its attributes, the text of the summary's tiles, and all text."""

    unclosed: list[str] = field(default_factory=list)
    mismatched: list[tuple[str, str]] = field(default_factory=list)
    elements: list[tuple[str, dict[str, str | None]]] = field(default_factory=list)
    tiles: list[str] = field(default_factory=list)
    text: list[str] = field(default_factory=list)
    _in_tile: bool = False

    def __post_init__(self) -> None:
        super().__init__(convert_charrefs=True)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        self.elements.append((tag, attributes))
        self._in_tile = tag == "span" and attributes.get("class") == "big"
        if tag not in VOID:
            self.unclosed.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        expected = self.unclosed.pop() if self.unclosed else ""
        if expected != tag:
            self.mismatched.append((expected, tag))
        self._in_tile = False

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._in_tile:
            self.tiles.append(data)

    def having(self, attribute: str) -> list[dict[str, str | None]]:
        return [attrs for _, attrs in self.elements if attribute in attrs]

    def tags(self, name: str) -> list[dict[str, str | None]]:
        return [attrs for tag, attrs in self.elements if tag == name]


def parsed(text: str) -> Page:
    page = Page()
    page.feed(text)
    page.close()
    return page


def rendered(evaluation: Evaluation, options: RenderOptions) -> str:
    return b"".join(html.render(evaluation, options)).decode("utf-8")


def tile_numbers(view: ReportView) -> list[str]:
    """The summary's tiles as the page must show them: total, each status, firm and phấn đấu."""
    total = view.total
    counts = [total.total, *(total[s] for s in view.shown_statuses)]
    return [view.number(n) for n in [*counts, total.firm_failures, total.aspirational_failures]]


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_example_renders_a_well_formed_page_with_the_views_counts(
    example_evaluations: dict[str, Evaluation], lang: str
) -> None:
    for folder, evaluation in example_evaluations.items():
        options = RenderOptions(lang=lang)
        view = ReportView(evaluation, options)
        page = parsed(rendered(evaluation, options))
        assert page.unclosed == [] and page.mismatched == [], folder
        assert page.tags("html") == [{"lang": lang}], folder
        assert page.tags("meta")[0] == {"charset": "utf-8"}, folder
        assert page.tiles == tile_numbers(view), folder
        listed = view.listed()
        findings = page.having("data-status")
        assert len(findings) == len(listed), folder
        assert Counter((f["data-status"], f["data-strength"]) for f in findings) == Counter(
            (f.status, evaluation.rule(f.rule_id).strength) for f in listed
        ), folder
        units = {f.unit_id for f in listed}
        assert len(page.having("data-group")) == len(units), folder
        # The scorecard: one row per unit with findings, one cell per area and the total.
        rows = [th for th in page.tags("th") if th == {"scope": "row", "class": "unit-col"}]
        cells = [td for td in page.tags("td") if (td.get("class") or "").startswith("cell")]
        assert len(rows) == len(view.units), folder
        assert len(cells) == len(view.units) * (len(view.areas) + 1), folder
        assert {blockquote.get("lang") for blockquote in page.tags("blockquote")} <= {"vi"}


@pytest.mark.parametrize(
    "options",
    [
        RenderOptions(lang="vi", everything=True),
        RenderOptions(lang="en", only=("pass",)),
        RenderOptions(lang="vi", only=("not_applicable", "missing")),
        RenderOptions(lang="en", group_by="rule"),
        RenderOptions(lang="vi", group_by="rule", everything=True),
    ],
)
def test_one_block_per_finding_the_options_list(
    example_evaluations: dict[str, Evaluation], options: RenderOptions
) -> None:
    evaluation = example_evaluations["thua-thien-hue-2018"]
    view = ReportView(evaluation, options)
    page = parsed(rendered(evaluation, options))
    assert page.unclosed == [] and page.mismatched == []
    listed = view.listed()
    statuses = Counter(f["data-status"] for f in page.having("data-status"))
    assert statuses == Counter(f.status for f in listed)
    grouped = {f.rule_id if options.group_by == "rule" else f.unit_id for f in listed}
    assert len(page.having("data-group")) == len(grouped)
    assert page.tiles == tile_numbers(view)  # the summary counts every finding, whatever is listed


def test_nothing_listed_and_the_page_still_whole(
    example_evaluations: dict[str, Evaluation],
) -> None:
    evaluation = example_evaluations["thua-thien-hue-2018"]  # nothing is pending there
    options = RenderOptions(lang="en", only=("pending",))
    view = ReportView(evaluation, options)
    assert view.listed() == [] and view.total.total > 0
    page = parsed(rendered(evaluation, options))
    assert page.unclosed == [] and page.mismatched == []
    assert page.having("data-status") == [] and page.tags("form") == []
    assert page.tiles == tile_numbers(view)


def test_the_page_fetches_nothing(example_evaluations: dict[str, Evaluation]) -> None:
    """No src or href outside the page, no url() but the charts' own patterns, and a policy
    that forbids the browser any fetch."""
    for folder, evaluation in example_evaluations.items():
        text = rendered(evaluation, RenderOptions(lang="vi", everything=True))
        page = parsed(text)
        fetching = [
            (tag, name, value)
            for tag, attrs in page.elements
            for name, value in attrs.items()
            if name in FETCHING and not (value or "").startswith("#")
        ]
        assert fetching == [], folder
        assert set(re.findall(r"url\(([^)]*)\)", text)) <= {
            f"#chart-{i}-aim" for i in range(len(evaluation.plans))
        }
        assert not page.tags("link") and not page.tags("img") and not page.tags("iframe")
        (policy,) = [m for m in page.tags("meta") if m.get("http-equiv")]
        assert (policy["content"] or "").startswith("default-src 'none';")


def test_the_only_script_is_the_filter_and_the_policy_allows_it_by_hash(
    example_evaluations: dict[str, Evaluation],
) -> None:
    text = rendered(example_evaluations["hanoi-2019"], RenderOptions(lang="vi"))
    (script,) = re.findall(r"<script>(.*?)</script>", text, flags=re.DOTALL)
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode()
    (meta,) = [m for m in parsed(text).tags("meta") if m.get("http-equiv")]
    policy = meta["content"] or ""
    assert f"script-src 'sha256-{digest}';" in policy
    assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    for forbidden in (
        "innerHTML",
        "outerHTML",
        "insertAdjacentHTML",
        "eval(",
        "Function(",
        "write(",
    ):
        assert forbidden not in script


# A registry whose every text is hostile: a unit id may hold any character but spaces and
# controls, a name anything but NUL; evidence is the unit's own words.
HOSTILE_CITY = "<script>alert(1)</script>"
HOSTILE_ID = 'q"><svg/onload=alert(3)>'
HOSTILE_DISTRICT = '"><img src=x onerror=alert(1)>'
HOSTILE_COMMUNE = "\u202egnp.exe\x1b[31m & <b>bold</b>"
HOSTILE_EVIDENCE = "</blockquote><script>alert(2)</script>"


def hostile_facts(folder: Path) -> Path:
    units = [
        {"id": "tp", "name": HOSTILE_CITY, "kind": "city"},
        {"id": HOSTILE_ID, "name": HOSTILE_DISTRICT, "kind": "district", "parent": "tp"},
        {"id": "x", "name": HOSTILE_COMMUNE, "kind": "commune", "parent": HOSTILE_ID},
    ]
    report = {
        "unit": HOSTILE_ID,
        "period": "2019",
        "submitted": "2019-11-05",
        "dossiers": {"resolved_early": 0, "resolved_on_time": 949, "resolved_late": 51},
        "duties": {"staff_per_job_positions": {"done": False, "evidence": HOSTILE_EVIDENCE}},
    }
    path = folder / "facts.yaml"
    document = {"units": units, "reports": [report]}
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_hostile_names_ids_and_evidence_stay_text(tmp_path: Path, lang: str) -> None:
    out = tmp_path / "report.html"
    arguments = ["check", str(hostile_facts(tmp_path)), "--as-of", "2020-01-15", "--lang", lang]
    result = CliRunner().invoke(main, [*arguments, "--format", "html", "--output", str(out)])
    assert result.exit_code == 1, result.output  # the 949/1000 share fails a firm target
    text = out.read_text(encoding="utf-8")
    for raw in (HOSTILE_CITY, HOSTILE_ID, HOSTILE_DISTRICT, HOSTILE_EVIDENCE, "<b>bold"):
        assert raw not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    page = parsed(text)
    assert page.unclosed == [] and page.mismatched == []
    assert len(page.tags("script")) == 1 and not page.tags("img") and not page.tags("svg")[1:]
    assert not page.tags("b") and not [a for a in page.having("onerror")]
    assert not page.having("onload")
    # Read back, each text is exactly what the facts say (a control character made visible).
    words = "".join(page.text)
    assert HOSTILE_CITY in words and HOSTILE_DISTRICT in words and HOSTILE_EVIDENCE in words
    assert HOSTILE_COMMUNE.replace("\x1b", "\ufffd") in words and "\x1b" not in text
    assert {f["data-unit"] for f in page.having("data-status")} == {"tp", HOSTILE_ID, "x"}
    # Names sit in <bdi>: a right-to-left override in one cannot turn the text after it around.
    assert text.count("<bdi>\u202egnp.exe\ufffd[31m &amp; &lt;b&gt;bold&lt;/b&gt;</bdi>") >= 2


def test_every_word_the_templates_ask_for_is_listed_and_every_listed_word_used() -> None:
    templates = "".join(p.read_text(encoding="utf-8") for p in html.TEMPLATES.glob("*.j2"))
    asked = set(re.findall(r"""say\(\s*["']([a-z_]+\.[a-z_]+)["']""", templates))
    code = Path(html.__file__).read_text(encoding="utf-8")
    in_code = {key for key in html.WORDS if code.count(f'"{key}"') > 1}
    assert asked <= html.WORDS
    assert html.WORDS - asked - in_code == set()


def test_a_word_not_listed_is_refused(example_evaluations: dict[str, Evaluation]) -> None:
    page = html.Page(ReportView(example_evaluations["hanoi-2019"], RenderOptions()))
    with pytest.raises(KeyError, match=r"report\.quote"):
        page.say("report.quote")  # a word of the catalogue, but not one the page lists


def test_a_cell_takes_the_colour_of_its_worst_kind(
    example_evaluations: dict[str, Evaluation],
) -> None:
    """Firm failures before phấn đấu ones, before missing data, not yet due, met, n/a."""
    view = ReportView(example_evaluations["hanoi-2019"], RenderOptions(lang="en"))
    page = html.Page(view)
    worst = {
        row.unit.unit_id: [cell.worst for cell in row.cells] + [row.total.worst]
        for row in page.scorecard()
    }
    assert list(worst) == [unit.unit_id for unit in view.units]
    assert worst["soc-son"][-1] == "fail-firm"
    assert worst["ba-dinh"][-1] == "pending"  # 73 met and 1 not yet due
    assert worst["so-tttt"][-1] == "pass"
    assert worst["tp-ha-noi"][-1] == "fail-aim"  # its one failure is a phấn đấu target
    assert set(worst["phuc-xa"][:-1]) == {None, "pass"}


def test_the_rollup_nests_units_under_their_parents(
    example_evaluations: dict[str, Evaluation],
) -> None:
    """Thừa Thiên Huế: the province, its districts and departments, the communes of A Lưới and
    Huế under them; each parent with its own counts and those rolled up."""
    view = ReportView(example_evaluations["thua-thien-hue-2018"], RenderOptions(lang="vi"))
    steps = list(html.Page(view).tree())
    opened = [(s.unit.unit_id, s.depth) for s in steps if s.action == "open" and s.unit]
    assert opened == [("tinh-tth", 0), ("a-luoi", 1), ("tp-hue", 1)]
    assert sum(s.action == "open" for s in steps) == sum(s.action == "close" for s in steps)
    leaves = {s.unit.unit_id: s.depth for s in steps if s.action == "leaf" and s.unit}
    assert leaves["a-ngo"] == leaves["phu-hoi"] == 2 and leaves["so-noi-vu"] == 1
    assert len(leaves) + len(opened) == len(view.units)
    province = next(s for s in steps if s.unit and s.unit.unit_id == "tinh-tth")
    rolled = {chip.kind: chip.count for chip in province.rolled.chips}  # type: ignore[union-attr]
    total = view.total
    assert rolled["fail-firm"] == view.number(total.firm_failures)
    assert rolled["pass"] == view.number(total["pass"])


def test_a_cycle_of_parents_still_lists_each_unit_once(
    example_evaluations: dict[str, Evaluation],
) -> None:
    """A registry where Ba Đình and Phúc Xá are each other's parent: both shown, once."""
    evaluation = example_evaluations["hanoi-2019"]
    looped = evaluation.units.with_columns(
        pl.when(pl.col("id") == "ba-dinh")
        .then(pl.lit("phuc-xa"))
        .otherwise(pl.col("parent"))
        .alias("parent")
    )
    view = ReportView(replace(evaluation, units=looped), RenderOptions())
    steps = list(html.Page(view).tree())
    shown = [s.unit.unit_id for s in steps if s.unit]
    assert sorted(shown) == sorted(set(shown)) and {"ba-dinh", "phuc-xa"} <= set(shown)


def test_the_cli_writes_the_page(tmp_path: Path) -> None:
    out = tmp_path / "hn.html"
    arguments = ["check", str(EXAMPLES / "hanoi-2019"), "--as-of", "2020-01-15"]
    result = CliRunner().invoke(main, [*arguments, "--format", "html", "--output", str(out)])
    assert result.exit_code == 1  # firm targets fail in the example on purpose
    assert out.read_bytes().startswith(b'<!DOCTYPE html>\n<html lang="vi">')


# -- in a browser ----------------------------------------------------------------------------

CONSOLE = re.compile(r":CONSOLE[:(]")  # every console message, any level: the page logs none


def chromium() -> str:
    found = shutil.which("chromium")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("CI is set and chromium is not installed: .ci/run installs it")
        pytest.skip("chromium is not installed (apt-get install chromium); CI runs these tests")
    return found


@dataclass(frozen=True)
class Visit:
    returncode: int
    dom: str
    console: list[str]


def visit(page: Path, screenshot: Path | None = None) -> Visit:
    """The page opened in headless Chromium: its DOM once loaded (scripts run), the console's
    messages (Chromium logs every one, uncaught exceptions included, as a CONSOLE line)."""
    arguments = [
        chromium(),
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--enable-logging=stderr",
        "--v=0",
        "--window-size=1280,2000",
        "--dump-dom",
    ]
    if screenshot is not None:
        arguments.append(f"--screenshot={screenshot}")
    done = subprocess.run(
        [*arguments, page.resolve().as_uri()], capture_output=True, text=True, timeout=120
    )
    console = [line for line in done.stderr.splitlines() if CONSOLE.search(line)]
    return Visit(done.returncode, done.stdout, console)


def test_the_hanoi_page_in_chromium(
    example_evaluations: dict[str, Evaluation], tmp_path: Path
) -> None:
    evaluation = example_evaluations["hanoi-2019"]
    options = RenderOptions(lang="vi")
    view = ReportView(evaluation, options)
    page = tmp_path / "hanoi-2019.html"
    page.write_text(rendered(evaluation, options), encoding="utf-8")
    ARTIFACTS.mkdir(exist_ok=True)
    SCREENSHOT.unlink(missing_ok=True)
    seen = visit(page, SCREENSHOT)
    assert seen.returncode == 0
    assert seen.console == []
    dom = parsed(seen.dom)
    assert dom.tags("html")[0].get("data-filter") == "ready"  # the filter's script ran
    assert dom.tiles == tile_numbers(view)
    (form,) = dom.tags("form")
    assert "hidden" not in form  # shown by the script
    shown = re.search(r'<span id="shown">([^<]*)</span>', seen.dom)
    assert shown is not None and shown[1] == view.number(len(view.listed()))
    assert len(dom.having("data-status")) == len(view.listed())
    assert not [f for f in dom.having("data-status") if "hidden" in f]
    assert SCREENSHOT.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert SCREENSHOT.stat().st_size > 10_000


def test_the_filter_shows_one_units_findings(
    example_evaluations: dict[str, Evaluation], tmp_path: Path
) -> None:
    """Typing "soc son" (no diacritics) keeps Sóc Sơn's findings; unticking "not met" leaves
    its others. A test script (the copy's policy lifted) types and records the counts."""
    evaluation = example_evaluations["hanoi-2019"]
    view = ReportView(evaluation, RenderOptions(lang="vi"))
    listed = view.listed()
    ours = [f for f in listed if f.unit_id == "soc-son"]
    text = without_policy(rendered(evaluation, RenderOptions(lang="vi")))
    probe = """<script>
      var form = document.getElementById("filter"), html = document.documentElement;
      form.elements.unit.value = "soc son";
      form.dispatchEvent(new Event("input"));
      html.setAttribute("data-unit-shown", document.getElementById("shown").textContent);
      form.querySelector("input[value=fail]").click();
      html.setAttribute("data-unfailed-shown", document.getElementById("shown").textContent);
      html.setAttribute("data-groups-shown",
        document.querySelectorAll("section[data-group]:not([hidden])").length);
    </script></body>"""
    page = tmp_path / "probe.html"
    page.write_text(text.replace("</body>", probe), encoding="utf-8")
    seen = visit(page)
    assert seen.returncode == 0 and seen.console == []
    (root,) = parsed(seen.dom).tags("html")
    assert root["data-unit-shown"] == view.number(len(ours))
    assert root["data-unfailed-shown"] == view.number(sum(f.status != "fail" for f in ours))
    assert root["data-groups-shown"] == "1"


def without_policy(text: str) -> str:
    return re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", text, count=1)


@pytest.mark.parametrize("policy", [False, True])
def test_a_broken_script_is_caught(
    example_evaluations: dict[str, Evaluation], tmp_path: Path, policy: bool
) -> None:
    """The console check can fail: a script that throws is reported; with the page's policy in
    place, the same script is refused before it runs, and that is reported too."""
    text = rendered(example_evaluations["hanoi-2019"], RenderOptions(lang="vi"))
    text = text if policy else without_policy(text)
    page = tmp_path / "broken.html"
    broken = "<script>throw new Error('cchc-deliberate')</script></body>"
    page.write_text(text.replace("</body>", broken), encoding="utf-8")
    seen = visit(page)
    assert len(seen.console) == 1
    expected = "Content Security Policy" if policy else "Uncaught Error: cchc-deliberate"
    assert expected in seen.console[0]


def test_the_hostile_page_in_chromium(tmp_path: Path) -> None:
    """Nothing of the facts runs: no console message (a blocked script would log one), no
    element but the page's own."""
    out = tmp_path / "hostile.html"
    arguments = ["check", str(hostile_facts(tmp_path)), "--as-of", "2020-01-15"]
    CliRunner().invoke(main, [*arguments, "--format", "html", "--output", str(out)])
    seen = visit(out)
    assert seen.returncode == 0 and seen.console == []
    dom = parsed(seen.dom)
    assert dom.tags("html")[0].get("data-filter") == "ready"
    assert len(dom.tags("script")) == 1 and not dom.tags("img") and not dom.tags("b")
    assert not dom.having("onerror") and not dom.having("onload")
