"""The page in English and Japanese (issue 10): the page's own words follow the browser's language or the
user's choice in the top bar's "Language" switch; Kubernetes' outputs (the terminal's kubectl) stay byte for
byte as the real tools print them.

The dictionary test reads the sources as they are: every English key the page can ask for — the markup's
`data-i18n` / `data-i18n-attrs` (templates/index.html) and every literal `t('…')` / `tn('…', '…', n)` in
static/src — has a Japanese entry in static/src/i18n/ja.js, and ja.js has no entry nothing asks for.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.helpers import run

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "static" / "src"
INDEX = ROOT / "templates" / "index.html"

# --- the keys the page asks for ---------------------------------------------------------------------------

_CALL = re.compile(r"(?<![\w$.])(tn?)\(")
_ESCAPES = {"n": "\n", "t": "\t", "\\": "\\", "'": "'", '"': '"', "`": "`", "0": "\0"}


def _literal(src: str, i: int) -> tuple[str, int] | None:
    """The JS string literal at `i` (quotes, or a backtick template without `${}`): (its value, the index after)."""
    quote = src[i] if i < len(src) else ""
    if quote not in "'\"`":
        return None
    out: list[str] = []
    j = i + 1
    while j < len(src):
        c = src[j]
        if c == quote:
            return "".join(out), j + 1
        if quote == "`" and src.startswith("${", j):
            return None
        if c == "\\":
            nxt = src[j + 1]
            if nxt == "u":
                out.append(chr(int(src[j + 2:j + 6], 16)))
                j += 6
                continue
            out.append(_ESCAPES.get(nxt, nxt))
            j += 2
            continue
        out.append(c)
        j += 1
    return None


def _argument(src: str, i: int) -> tuple[str, int] | None:
    """A string-literal argument at `i`: literals joined by `+` (a long sentence split over lines)."""
    parts: list[str] = []
    while True:
        while i < len(src) and src[i].isspace():
            i += 1
        lit = _literal(src, i)
        if lit is None:
            return None
        parts.append(lit[0])
        i = lit[1]
        k = i
        while k < len(src) and src[k].isspace():
            k += 1
        if k < len(src) and src[k] == "+":
            i = k + 1
            continue
        return "".join(parts), i


_REGEX_AFTER = set("(,=:[!&|?{};+-*%<>~^") | {""}


def _code(src: str) -> str:
    """`src` with its comments blanked out (strings, templates and regex literals kept as they are)."""
    out: list[str] = []
    last = ""  # the last character of code before `i` that is not a space: does a `/` open a regex?
    i = 0
    n = len(src)
    while i < n:
        c = src[i]
        if src.startswith("//", i):
            j = src.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif src.startswith("/*", i):
            j = src.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r"[^\n]", " ", src[i:j]))
            i = j
        elif c in "'\"`" or (c == "/" and last in _REGEX_AFTER):
            j = i + 1
            in_class = False
            while j < n and (src[j] != c or in_class):
                if src[j] == "\\":
                    j += 1
                elif c == "/" and src[j] in "[]":
                    in_class = src[j] == "["
                elif c == "/" and src[j] == "\n":
                    break
                j += 1
            out.append(src[i:j + 1])
            last = c
            i = j + 1
        else:
            out.append(c)
            if not c.isspace():
                last = c
            i += 1
    return "".join(out)


def js_keys(src: str) -> set[str]:
    """The dictionary keys a module asks for: `t(key)` and the plural key (the second) of `tn(one, other, n)`."""
    keys: set[str] = set()
    src = _code(src)
    for m in _CALL.finditer(src):
        first = _argument(src, m.end())
        if first is None:
            continue
        if m.group(1) == "t":
            keys.add(first[0])
            continue
        k = first[1]
        while k < len(src) and src[k].isspace():
            k += 1
        if k < len(src) and src[k] == ",":
            other = _argument(src, k + 1)
            if other is not None:
                keys.add(other[0])
    return keys


class _Marks(HTMLParser):
    """`data-i18n` texts and `data-i18n-attrs` values of the markup, as i18n.js `translateDocument` reads them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.keys: set[str] = set()
        self.open: list[tuple[str, str | None, list[str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        for name in (a.get("data-i18n-attrs") or "").split():
            if a.get(name):
                self.keys.add(a[name] or "")
        if "data-i18n" in a:
            self.open.append((tag, a["data-i18n"] or None, []))
        elif self.open:
            self.open.append((tag, "", []))

    def handle_data(self, data: str) -> None:
        for _tag, _key, text in self.open:
            text.append(data)

    def handle_endtag(self, tag: str) -> None:
        while self.open:
            t, key, text = self.open.pop()
            if key != "":
                self.keys.add(key or "".join(text).strip())
            if t == tag:
                break


def markup_keys(html: str) -> set[str]:
    parser = _Marks()
    parser.feed(html)
    return parser.keys


def page_keys() -> set[str]:
    keys = markup_keys(INDEX.read_text())
    for path in sorted(SRC.rglob("*.js")):
        if path.parent.name != "i18n":
            keys |= js_keys(path.read_text())
    return keys


def japanese() -> dict[str, str]:
    node = shutil.which("node")
    assert node, "node is needed to build and test the page (make install)"
    proc = subprocess.run([node, "--input-type=module", "-e",
                           f"import {{ JA }} from {json.dumps((SRC / 'i18n' / 'ja.js').as_uri())};"
                           "process.stdout.write(JSON.stringify(JA));"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_the_key_reader_reads_what_the_modules_write() -> None:
    src = ("a.t('no'); set('no'); t('one'); t(\"two\") + t(`three`); t(`x ${y}`);\n"
           "t('long '\n  + 'sentence', { a }); tn('1 pod', '{n} pods', n); t(name); t('it\\u2019s \\'q\\'');\n"
           "/** `t('doc')` */ x = a / b; // t('line')\ns.replace(/'/g, \"'\"); t('http://x/*y'); t('after');")
    assert js_keys(src) == {"one", "two", "three", "long sentence", "{n} pods", "it\u2019s 'q'", "http://x/*y", "after"}
    html = ('<b data-i18n>Hi <i>there</i></b><span data-i18n="Key">x</span>'
            '<p aria-label="Lab" title="T" data-i18n-attrs="aria-label"><span data-i18n>In</span> out</p>')
    assert markup_keys(html) == {"Hi there", "Key", "Lab", "In"}


def test_every_word_of_the_page_has_its_japanese_and_no_entry_is_left_over() -> None:
    keys = page_keys()
    ja = japanese()
    assert "Apply" in keys and "Pause" in keys, "the key reader found no markup"
    missing = sorted(keys - set(ja))
    unused = sorted(set(ja) - keys)
    assert not missing, f"no Japanese for: {missing}"
    assert not unused, f"Japanese for words nothing asks for: {unused}"
    # the placeholders of an entry are those of its English
    for english, text in ja.items():
        assert sorted(re.findall(r"\{\w+\}", english)) == sorted(re.findall(r"\{\w+\}", text)), english
        assert text.strip(), english


def _in_language(code: str, script: str) -> object:
    """What `script` (with `t`, `tn` of i18n.js in scope) prints as JSON, the user's choice being `code`."""
    node = shutil.which("node")
    assert node, "node is needed to build and test the page (make install)"
    prelude = (f"globalThis.localStorage = {{ getItem: () => {json.dumps(code)}, setItem: () => {{}} }};"
               f"const {{ t, tn, language }} = await import({json.dumps((SRC / 'i18n.js').as_uri())});")
    proc = subprocess.run([node, "--input-type=module", "-e", prelude + script],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_counts_read_in_each_language() -> None:
    script = ("process.stdout.write(JSON.stringify([language(),"
              " tn('1 pod evicted, terminating', '{n} pods evicted, terminating', 1),"
              " tn('1 pod evicted, terminating', '{n} pods evicted, terminating', 3),"
              " t('NotReady in {t}', { t: '38 s' }), t('a sentence no dictionary has {x}', { x: 1 })]));")
    assert _in_language("en", script) == [
        "en", "1 pod evicted, terminating", "3 pods evicted, terminating", "NotReady in 38 s",
        "a sentence no dictionary has 1"]
    assert _in_language("ja", script) == [
        "ja", "1 個の Pod を退避、終了中", "3 個の Pod を退避、終了中", "38 s後に NotReady",
        "a sentence no dictionary has 1"]


# --- the page in a browser --------------------------------------------------------------------------------


def _open(browser: Browser, server_url: str, locale: str) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale=locale)
    context.set_default_timeout(15_000)
    expect.set_options(timeout=15_000)
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.goto(server_url + "/")
    expect(pg.locator("body")).to_have_attribute("data-state", "live")
    yield pg
    context.close()
    assert not errors, f"uncaught errors in the page: {errors}"


@pytest.fixture
def ja_page(browser: Browser, server_url: str) -> Iterator[Page]:
    yield from _open(browser, server_url, "ja-JP")


def _pause_clock(page: Page) -> None:
    """Pauses the sandbox's clock through the API (the page's words for it are what the test checks)."""
    origin = re.match(r"https?://[^/]+", page.url).group(0)
    sandbox = page.locator("body").get_attribute("data-sandbox")
    answer = page.request.post(f"{origin}/api/sandboxes/{sandbox}/clock", data={"paused": True})
    assert answer.ok, answer.text()
    expect(page.locator("#clock-pause")).to_have_attribute("aria-pressed", "true")


def _get_pods(page: Page, command_label: str) -> str:
    """`kubectl get pods -A` typed into the terminal: what it printed, from its command line on."""
    box = page.get_by_role("textbox", name=command_label, exact=True)
    before = page.locator("#term-out").inner_text().count("$ kubectl get pods -A")
    box.fill("kubectl get pods -A")
    box.press("Enter")
    out = page.locator("#term-out")
    expect(out).to_contain_text("$ kubectl get pods -A")
    expect(out).to_have_attribute("aria-busy", "false")
    text = out.inner_text()
    assert text.count("$ kubectl get pods -A") == before + 1
    return text[text.rindex("$ kubectl get pods -A"):]


def _switch(page: Page, code: str) -> None:
    with page.expect_navigation():
        page.get_by_role("combobox", name="Language").select_option(code)
    expect(page.locator("body")).to_have_attribute("data-state", "live")
    expect(page.locator("html")).to_have_attribute("lang", code)


def test_a_japanese_browser_gets_the_page_in_japanese_and_kubectl_as_it_prints(ja_page: Page) -> None:
    page = ja_page
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    expect(page.get_by_role("button", name="適用", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Apply", exact=True)).to_have_count(0)
    expect(page.get_by_role("group", name="時計の操作")).to_be_visible()
    expect(page.get_by_role("button", name="ノードを追加")).to_be_visible()
    expect(page.get_by_role("region", name="イベント", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="ズームイン")).to_be_visible()
    expect(page.get_by_role("link", name="エディターへ移動")).to_be_attached()
    expect(page.get_by_role("status", name="接続")).to_have_text("ライブ")
    expect(page.get_by_role("combobox", name="Language")).to_have_value("ja")
    # Kubernetes' own words stay: the legend's STATUS words, with their meaning in Japanese
    page.get_by_text("凡例", exact=True).click()
    legend = page.get_by_role("region", name="凡例")
    expect(legend).to_contain_text("CrashLoopBackOff")
    expect(legend).to_contain_text("コンテナがクラッシュを繰り返し")

    expect(page.get_by_role("button", name="一時停止", exact=True)).to_be_visible()
    # the canvas's mirror names the nodes and pods in Japanese, Kubernetes' words (Ready, Running) kept
    expect(page.get_by_role("group", name=re.compile(r"^ノード node1, Ready, \d+ 個の Pod$"))).to_be_visible()
    expect(page.get_by_role("listitem", name=re.compile(r"^Pod kube-proxy-\w+ Running$")).first).to_be_attached()

    # the same sandbox, paused, read in Japanese and then in English: kubectl prints the same bytes
    _pause_clock(page)
    expect(page.get_by_role("button", name="再開", exact=True)).to_be_visible()
    japanese = _get_pods(page, "kubectl コマンド")
    assert "NAMESPACE" in japanese and "kube-system" in japanese
    _switch(page, "en")
    english = _get_pods(page, "kubectl command")
    assert japanese == english


def test_the_switch_back_to_english_outlives_a_reload(ja_page: Page) -> None:
    page = ja_page
    expect(page.get_by_role("button", name="適用", exact=True)).to_be_visible()
    switch = page.get_by_role("combobox", name="Language")
    expect(switch.locator("option")).to_have_text(["English", "日本語"])
    _switch(page, "en")
    expect(page.get_by_role("button", name="Apply", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Pause", exact=True)).to_be_visible()
    page.reload()
    expect(page.locator("body")).to_have_attribute("data-state", "live")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("combobox", name="Language")).to_have_value("en")
    expect(page.get_by_role("button", name="Add node")).to_be_visible()
    run(page, "kubectl get nodes")  # the English names reach the terminal again


def test_an_english_browser_can_choose_japanese(page: Page) -> None:
    expect(page.locator("html")).to_have_attribute("lang", "en")
    _switch(page, "ja")
    expect(page.get_by_role("button", name="適用", exact=True)).to_be_visible()
    expect(page.get_by_role("region", name="ターミナル", exact=True)).to_be_visible()
    expect(page.get_by_role("combobox", name="Language")).to_have_value("ja")
