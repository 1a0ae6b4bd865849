// node page_test.mjs BASE_URL SCREENSHOT: the search page (web/) in
// Debian's headless Chromium, driven by playwright-core; run.sh starts the
// server and passes its address.
//
// Flow: one browser; each check gets a fresh context (its own history,
// clipboard permissions, language and screen size), types or clicks as a
// user does and compares what the page shows with the server's answers,
// exactly. Any dialog fails the run (the XSS probe must stay text). Each
// check prints "pass NAME" or "FAIL NAME" and why; the last line counts them,
// and the exit status is 1 when one failed. The last check saves the
// screenshot README.md shows.
import { pathToFileURL } from "node:url";

const [base, screenshotPath] = process.argv.slice(2);
if (!base || !screenshotPath || !process.env.MOJIFINDER_PLAYWRIGHT) {
  console.error("usage: MOJIFINDER_PLAYWRIGHT=DIR node page_test.mjs BASE_URL SCREENSHOT (run.sh sets them)");
  process.exit(2);
}
const { chromium } = await import(pathToFileURL(`${process.env.MOJIFINDER_PLAYWRIGHT}/index.mjs`).href);

// Generous for a loaded 2-core machine; a passing check takes milliseconds.
const waitMs = 10_000;
const probe = "<img src=x onerror=alert(1)>";

class Failure extends Error {}
function expectEqual(got, want, what) {
  const same = JSON.stringify(got) === JSON.stringify(want);
  if (!same) throw new Failure(`${what}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--no-sandbox"],
});
const dialogs = [];
const pageErrors = [];  // uncaught exceptions and console errors, of every page

async function newPage(options = {}) {
  const context = await browser.newContext({
    locale: "en-US",
    viewport: { width: 1024, height: 768 },
    colorScheme: "light",
    ...options,
  });
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: base });
  const page = await context.newPage();
  page.setDefaultTimeout(waitMs);
  page.on("dialog", async (dialog) => {
    dialogs.push(dialog.message());
    await dialog.dismiss();
  });
  page.on("pageerror", (error) => pageErrors.push(error.message));
  page.on("console", (message) => {
    // The browser's own line for a 400 answer is expected; the page says it.
    if (message.type() === "error" && !message.text().startsWith("Failed to load resource")) {
      pageErrors.push(message.text());
    }
  });
  return { context, page };
}

// Types like a person (a key every 40 ms), into an emptied box.
async function type(page, text) {
  await page.fill("#q", "");
  await page.locator("#q").pressSequentially(text, { delay: 40 });
}

// Waits until the page shows the answer to `query`: its count line. When
// it does not, says what the page shows instead.
async function answered(page, query, count) {
  try {
    await page.waitForFunction(([q, c]) =>
      document.querySelector("#query").textContent === q &&
      document.querySelector("#count").textContent === c &&
      document.querySelector("#results").getAttribute("aria-busy") === "false", [query, count]);
  } catch (error) {
    const showing = await page.evaluate(() => ["#query", "#count", "#error"]
      .map((s) => document.querySelector(s).textContent)).catch(() => error.message);
    throw new Failure(`waiting for ${JSON.stringify([query, count])}, the page shows ${JSON.stringify(showing)}`);
  }
}

// Waits until the page shows an answer to `query`, whatever its count.
const showsAnswerTo = (page, query) => page.waitForFunction((q) =>
  document.querySelector("#query").textContent === q &&
  document.querySelector("#results").getAttribute("aria-busy") === "false", query);

// Waits until the live region says `character` was copied.
const saysCopied = (page, character) => page.waitForFunction((c) =>
  document.querySelector("#status").textContent === `Copied ${c}`, character);

const texts = (page, selector) => page.locator(selector).allTextContents();
const names = (page) => texts(page, "#results .name");

const checks = [];
const check = (name, body) => checks.push({ name, body });

check("cat face: 10 results, the characters large with code point, name and keywords", async ({ page }) => {
  // The page's timers run on a clock the test moves: the debounce exactly.
  await page.clock.install();
  await page.goto(base);
  await page.waitForLoadState("networkidle");
  await page.clock.pauseAt(Date.now() + 1000);
  const asked = [];
  page.on("request", (r) => {
    if (new URL(r.url()).pathname === "/api/search") asked.push(new URL(r.url()).searchParams.get("q"));
  });
  await type(page, "cat face");
  await page.clock.runFor(149);
  expectEqual(asked, [], "requests 149 ms after the last key");
  const request = page.waitForRequest((r) => new URL(r.url()).pathname === "/api/search");
  await page.clock.runFor(1);
  expectEqual(new URL((await request).url()).searchParams.get("sort"), "relevance", "asks relevance order");
  expectEqual(asked, ["cat face"], "requests 150 ms after the last key");
  await page.clock.resume();
  await answered(page, "cat face", "10 found");
  expectEqual(await page.locator("#results > li > button.result").count(), 10, "result buttons");
  expectEqual(await texts(page, "#results .glyph"),
    ["🐱", "😾", "😿", "🙀", "😼", "😸", "😹", "😺", "😽", "😻"], "characters, best match first");
  expectEqual((await names(page))[0], "CAT FACE", "first name");
  expectEqual((await texts(page, "#results .facts"))[0], "U+1F431 · Miscellaneous Symbols and Pictographs · Unicode 6.0", "first facts");
  expectEqual((await texts(page, "#results .keywords"))[0], "cat, face, pet", "first keywords");
  expectEqual(await page.locator("#more").isHidden(), true, "no show more");
  expectEqual(new URL(page.url()).search, "?q=cat+face", "the URL");
  const size = await page.locator("#results .glyph").first().evaluate((e) => parseFloat(getComputedStyle(e).fontSize));
  if (size < 32) throw new Failure(`the character is ${size}px, not large`);
});

check("zzzq: 0 found and a hint; snowmam: did you mean snowman, which searches when clicked", async ({ page }) => {
  await page.goto(base);
  await type(page, "zzzq");
  await answered(page, "zzzq", "0 found");
  expectEqual(await page.locator("#results > li").count(), 0, "results");
  expectEqual(await page.textContent("#nothing"),
    "No character has every word. Try fewer words, a prefix (smil*), an English name, or keywords in another language.",
    "the hint");
  expectEqual(await page.locator("#hints").isHidden(), true, "no did-you-mean for zzzq");
  await type(page, "snowmam");
  await answered(page, "snowmam", "0 found");
  expectEqual(await page.textContent("#hints"), "Did you mean: snowman?", "did you mean");
  await page.getByRole("button", { name: "snowman" }).click();
  await answered(page, "snowman", "3 found");
  expectEqual(await page.inputValue("#q"), "snowman", "the box after the hint");
  expectEqual(await page.locator("#hints").isHidden(), true, "did-you-mean gone");
  expectEqual(await page.locator("#nothing").isHidden(), true, "hint gone");
  // The hint replaces the word it is closest to.
  await page.goto(`${base}/?q=${encodeURIComponent("black snowmam")}`);
  await answered(page, "black snowmam", "0 found");
  await page.getByRole("button", { name: "snowman" }).click();
  await answered(page, "black snowman", "1 found");
});

check("a click and Enter copy the character and say so", async ({ page }) => {
  await page.goto(`${base}/?q=cat+face`);
  await answered(page, "cat face", "10 found");
  await page.locator("#results button.result").first().click();
  await saysCopied(page, "🐱");
  expectEqual(await page.evaluate(() => navigator.clipboard.readText()), "🐱", "clipboard after a click");
  // Keyboard only: from the box, down twice, Enter.
  await page.focus("#q");
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("Enter");
  await saysCopied(page, "😾");
  expectEqual(await page.evaluate(() => navigator.clipboard.readText()), "😾", "clipboard after Enter");
  expectEqual(await page.getAttribute("#status", "aria-live"), "polite", "status is live");
  expectEqual(await page.locator("#results button.copied .glyph").allTextContents(), ["😾"], "marked copied");
});

check("a combining mark shows on a dotted circle and copies alone; a space shows in a box", async ({ page }) => {
  await page.goto(`${base}/?q=U%2B0301`);
  await answered(page, "U+0301", "1 found");
  expectEqual(await texts(page, "#results .glyph"), ["\u25CC\u0301"], "shown");
  await page.locator("#results button.result").click();
  await saysCopied(page, "\u0301");
  expectEqual(await page.evaluate(() => navigator.clipboard.readText()), "\u0301", "copied");
  await page.goto(`${base}/?q=U%2B0020`);
  await answered(page, "U+0020", "1 found");
  expectEqual(await page.locator("#results .glyph.blank").allTextContents(), [" "], "the space, boxed");
});

check("/?q=snowman restores the search", async ({ page }) => {
  await page.goto(`${base}/?q=snowman`);
  await answered(page, "snowman", "3 found");
  expectEqual(await page.inputValue("#q"), "snowman", "the box");
  expectEqual(await names(page), ["SNOWMAN", "BLACK SNOWMAN", "SNOWMAN WITHOUT SNOW"], "names");
  expectEqual(await page.title(), "snowman – mojifinder", "title");
});

check("the XSS probe shows as text, typed or in the URL, and no dialog opens", async ({ page }) => {
  await page.goto(base);
  await type(page, probe);
  await showsAnswerTo(page, probe);
  expectEqual(await page.locator("img").count(), 0, "img elements");
  expectEqual(await page.title(), `${probe} – mojifinder`, "title");
  await page.goto(`${base}/?q=${encodeURIComponent(probe)}`);
  await showsAnswerTo(page, probe);
  expectEqual(await page.inputValue("#q"), probe, "the box from the URL");
  expectEqual(await page.locator("img").count(), 0, "img elements from the URL");
  await page.waitForTimeout(300);  // an onerror would have fired by now
  expectEqual(dialogs, [], "dialogs");
});

check("the back button restores the previous query, forward the next", async ({ page }) => {
  await page.goto(base);
  await type(page, "cat face");
  await page.keyboard.press("Enter");  // settles: the next change is a new entry
  await answered(page, "cat face", "10 found");
  await type(page, "snowman");
  await answered(page, "snowman", "3 found");
  await page.waitForTimeout(1200);     // settles by itself once typing pauses
  await type(page, "zzzq");
  await answered(page, "zzzq", "0 found");
  await page.goBack();
  await answered(page, "snowman", "3 found");
  expectEqual(await page.inputValue("#q"), "snowman", "the box one back");
  await page.goBack();
  await answered(page, "cat face", "10 found");
  expectEqual(await page.inputValue("#q"), "cat face", "the box two back");
  await page.goBack();
  await page.waitForFunction(() => document.querySelector("#q").value === "" &&
    document.querySelector("#results").childElementCount === 0);
  await page.goForward();
  await answered(page, "cat face", "10 found");
});

check("a stale answer is dropped: the last query's answer stays", async ({ page }) => {
  // The answer to "snow" is held back until the one to "snowman" is shown.
  let releaseSnow;
  const snowHeld = new Promise((resolve) => { releaseSnow = resolve; });
  await page.route("**/api/search?*", async (route) => {
    if (new URL(route.request().url()).searchParams.get("q") === "snow") await snowHeld;
    await route.continue().catch(() => {});  // an aborted request cannot be continued
  });
  await page.goto(base);
  const snowAsked = page.waitForRequest((r) => new URL(r.url()).searchParams.get("q") === "snow");
  await type(page, "snow");
  await snowAsked;
  await page.locator("#q").pressSequentially("man", { delay: 40 });
  await answered(page, "snowman", "3 found");
  releaseSnow();
  await page.waitForTimeout(500);
  expectEqual(await page.textContent("#query"), "snowman", "query shown");
  expectEqual(await names(page), ["SNOWMAN", "BLACK SNOWMAN", "SNOWMAN WITHOUT SNOW"], "names");
});

check("the language: the browser's first the server has, a menu, and the URL's lang", async () => {
  for (const [locale, want] of [["de-DE", "de"], ["pt-BR", "pt"], ["en-GB", "en_GB"], ["xx-YY", "en"]]) {
    const { page, context } = await newPage({ locale });
    await page.goto(base);
    await page.waitForFunction(() => document.querySelector("#lang").options.length > 1);
    await page.waitForLoadState("networkidle");  // the menu is set before the first search goes out
    expectEqual(await page.inputValue("#lang"), want, `default for ${locale}`);
    expectEqual(await page.locator("#lang option").count(), 146, "languages in the menu");
    await context.close();
  }
  const { page, context } = await newPage({ locale: "en-US" });
  await page.goto(`${base}/?q=katze`);
  await answered(page, "katze", "0 found");
  await page.selectOption("#lang", "de");
  await answered(page, "katze", "12 found");
  expectEqual(new URL(page.url()).search, "?q=katze&lang=de", "the URL");
  expectEqual((await texts(page, "#results .short"))[0], "Katze", "German short name");
  await page.goBack();
  await answered(page, "katze", "0 found");
  expectEqual(await page.inputValue("#lang"), "en", "language one back");
  await context.close();
});

check("a query error is said, as text", async ({ page }) => {
  await page.goto(`${base}/?q=-cat`);
  await page.waitForFunction(() => !document.querySelector("#error").hidden);
  expectEqual(await page.textContent("#error"), "only exclusions: add a word to search for, e.g. arrow -left", "error");
  expectEqual(await page.getAttribute("#error", "role"), "alert", "role");
  expectEqual(await page.locator("#results > li").count(), 0, "results");
});

check("show more: 100 at a time, then the rest", async ({ page }) => {
  await page.goto(`${base}/?q=gc:Sm+arrow`);
  await answered(page, "gc:Sm arrow", "173 found, 100 shown");
  expectEqual(await page.locator("#results > li").count(), 100, "results");
  expectEqual(await page.textContent("#more"), "Show 73 more", "button");
  await page.click("#more");
  await answered(page, "gc:Sm arrow", "173 found");
  expectEqual(await page.locator("#results > li").count(), 173, "results after more");
  expectEqual(await page.locator("#more").isHidden(), true, "no more to show");
  const focused = await page.evaluate(() => [...document.querySelectorAll("#results button.result")].indexOf(document.activeElement));
  expectEqual(focused, 100, "focus on the first new result");
  // The pages in the API's relevance order, each result once.
  const codes = (await texts(page, "#results .facts")).map((f) => f.split(" ")[0]);
  const api = await (await page.request.get(`${base}/api/search?q=gc:Sm+arrow&sort=relevance&why=off&limit=200`)).json();
  expectEqual(codes, api.results.map((r) => r.cp), "relevance order across pages");
});

check("at 360 px wide nothing overflows", async () => {
  const { page, context } = await newPage({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });
  for (const [q, count] of [["cat face", "10 found"], ["firefighter dark", "6 found"], ["age:15.0", "4,489 found, 100 shown"]]) {
    await page.goto(`${base}/?q=${encodeURIComponent(q)}`);
    await answered(page, q, count);
    const widths = await page.evaluate(() => ({
      page: document.documentElement.scrollWidth,
      widest: Math.max(...[...document.querySelectorAll("body *")].map((e) => e.getBoundingClientRect().right)),
    }));
    if (widths.page > 360 || widths.widest > 360) throw new Failure(`${q}: ${JSON.stringify(widths)} past 360 px`);
  }
  await context.close();
});

check("light and dark, as the system prefers", async () => {
  const colours = {};
  for (const colorScheme of ["light", "dark"]) {
    const { page, context } = await newPage({ colorScheme });
    await page.goto(`${base}/?q=cat+face`);
    await answered(page, "cat face", "10 found");
    colours[colorScheme] = await page.evaluate(() => [document.body, document.querySelector("button.result")]
      .map((e) => [getComputedStyle(e).backgroundColor, getComputedStyle(e).color]));
    await context.close();
  }
  expectEqual(colours, {
    light: [["rgb(251, 251, 250)", "rgb(29, 29, 31)"], ["rgb(255, 255, 255)", "rgb(29, 29, 31)"]],
    dark: [["rgb(19, 19, 22)", "rgb(236, 236, 241)"], ["rgb(30, 30, 35)", "rgb(236, 236, 241)"]],
  }, "page and result colours");
});

check("labels, roles and focus for keyboards and screen readers", async ({ page }) => {
  await page.goto(`${base}/?q=cat+face`);
  await answered(page, "cat face", "10 found");
  expectEqual(await page.locator("label[for=q]").textContent(), "Search characters", "box label");
  expectEqual(await page.locator("label[for=lang]").textContent(), "Keywords in", "menu label");
  expectEqual(await page.getAttribute("form", "role"), "search", "form role");
  expectEqual(await page.getByRole("button", { name: /CAT FACE/ }).count(), 10, "buttons named by their characters");
  expectEqual(await page.getByRole("list", { name: "Results" }).count(), 1, "the results list");
  await page.focus("#q");
  await page.keyboard.press("ArrowDown");
  const outline = await page.evaluate(() => {
    const style = getComputedStyle(document.activeElement);
    return [document.activeElement.className, style.outlineStyle, parseFloat(style.outlineWidth) >= 2];
  });
  expectEqual(outline, ["result", "solid", true], "the focused result's outline");
  await page.keyboard.press("Escape");
  expectEqual(await page.evaluate(() => document.activeElement.id), "q", "Escape back to the box");
});

check("the screenshot", async () => {
  const { page, context } = await newPage({ viewport: { width: 1000, height: 640 } });
  await page.goto(`${base}/?q=cat+face`);
  await answered(page, "cat face", "10 found");
  await page.locator("#results button.result").first().click();
  await saysCopied(page, "🐱");
  await page.mouse.move(0, 0);
  await page.screenshot({ path: screenshotPath });
  await context.close();
});

let failed = 0;
for (const { name, body } of checks) {
  const { page, context } = await newPage();
  pageErrors.length = 0;
  try {
    await body({ page, context });
    if (pageErrors.length) throw new Failure(`page errors: ${pageErrors.join("; ")}`);
    console.log(`pass  ${name}`);
  } catch (error) {
    failed += 1;
    console.log(`FAIL  ${name}\n  ${error instanceof Failure ? error.message : error.stack}`);
  } finally {
    await context.close();
  }
}
if (dialogs.length) {
  failed += 1;
  console.log(`FAIL  dialogs opened: ${JSON.stringify(dialogs)}`);
}
await browser.close();
console.log(`browser page test: ${checks.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
