// A tutor's way through the careers panel, in headless Debian Chromium driven by playwright-core.
// run-browser-test.sh sets up the school and the service and passes what it made in CL_*
// variables; run it through that script (or ctest -R browser), not on its own.
//
// Elements are found the way assistive technology finds them (roles, accessible names, labels):
// a step that cannot find something that way is an accessibility fault in the panel, and fails.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";

function env(name) {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run tests/browser/run-browser-test.sh`);
  return v;
}

const base = env("CL_BASE_URL");
const email = env("CL_TUTOR_EMAIL");
const password = env("CL_TUTOR_PASSWORD");
const group = env("CL_GROUP");
const groupSize = Number(env("CL_GROUP_SIZE"));
const upn = env("CL_PUPIL_UPN");
const pupilName = env("CL_PUPIL_NAME");
const actionText = env("CL_ACTION_TEXT");
const otherUpn = env("CL_OTHER_UPN");
const shots = env("CL_SCREENSHOT_DIR");

// Debian's Chromium, no sandbox (CI runs as root), nothing that reaches out to Google's hosts.
// chromium.launch() gives it a fresh, empty profile directory of its own (and deletes it after);
// it would refuse a --user-data-dir here.
const launchArgs = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

const escapeRe = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

// Today's date as the panel writes it (dd/mm/yyyy), in the school's zone and in UTC (the two
// differ for an hour after midnight in summer).
function todayUk() {
  const fmt = (timeZone) =>
    new Intl.DateTimeFormat("en-GB", { timeZone, day: "2-digit", month: "2-digit", year: "numeric" })
      .format(new Date());
  return [fmt("Europe/London"), fmt("UTC")];
}

let browser;
let context;
let page;
let shotNo = 0;
const consoleErrors = [];
const failedRequests = []; // "STATUS METHOD /path?query" of every response of 400 or more

async function shot(p, name, options = {}) {
  shotNo += 1;
  const file = join(shots, `${String(shotNo).padStart(2, "0")}-${name}.png`);
  await p.screenshot({ path: file, fullPage: true, ...options });
  return file;
}

async function heading(p) {
  return (await p.getByRole("heading", { level: 1 }).textContent()).trim();
}

describe("careers panel: a tutor's way through", () => {
  before(async () => {
    browser = await chromium.launch({
      executablePath: "/usr/bin/chromium",
      headless: true,
      args: launchArgs,
      timeout: 60_000,
    });
    context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: "en-GB" });
    context.setDefaultTimeout(15_000);
    page = await context.newPage();
    page.on("console", (m) => {
      if (m.type() === "error") consoleErrors.push(m.text());
    });
    page.on("pageerror", (e) => consoleErrors.push(String(e)));
    context.on("response", (r) => {
      if (r.status() >= 400) {
        const u = new URL(r.url());
        failedRequests.push(`${r.status()} ${r.request().method()} ${u.pathname}${u.search}`);
      }
    });
  });

  after(async () => {
    await browser?.close();
    console.log(`screenshots: ${shots}`);
  });

  it("sends a visitor who is not signed in to the sign-in page", async () => {
    const response = await page.goto(`${base}/panel/`);
    assert.equal(response.status(), 200);
    const url = new URL(page.url());
    assert.equal(url.pathname, "/panel/login");
    assert.equal(url.searchParams.get("next"), "/panel/");
    assert.equal(await heading(page), "Sign in");
    assert.equal(await page.locator("html").getAttribute("lang"), "en-GB");
    await shot(page, "sign-in");
  });

  it("refuses a wrong password with an alert", async () => {
    await page.getByLabel("E-mail address").fill(email);
    await page.getByLabel("Password").fill("not the password");
    await page.getByRole("button", { name: "Sign in" }).click();
    const alert = page.getByRole("alert");
    await alert.waitFor();
    assert.match(await alert.textContent(), /do not match/);
    await shot(page, "sign-in-wrong-password");
  });

  it("signs the tutor in and lists their tutor group", async () => {
    await page.getByLabel("E-mail address").fill(email);
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(`${base}/panel/`);
    assert.equal(await heading(page), "My pupils");
    await page.getByRole("link", { name: `Tutor group ${group}`, exact: true }).waitFor();
    // The first Tab reaches the skip link (keyboard users).
    await page.keyboard.press("Tab");
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), "Skip to content");
    await shot(page, "my-pupils");
  });

  it("opens the tutor group: every pupil in it, each a link", async () => {
    await page.getByRole("link", { name: `Tutor group ${group}`, exact: true }).click();
    await page.waitForURL(`${base}/panel/group?name=${encodeURIComponent(group)}`);
    assert.equal(await heading(page), `Tutor group ${group}`);
    const table = page.getByRole("table", { name: `Pupils in ${group}` });
    await table.waitFor();
    assert.equal(await table.getByRole("row").count(), groupSize + 1, "a header row and one per pupil");
    assert.equal(await table.getByRole("rowheader").count(), groupSize);
    await table.getByRole("link", { name: pupilName, exact: true }).waitFor();
    await shot(page, "group");
  });

  it("opens the pupil: the shared plan with its open action", async () => {
    await page
      .getByRole("table", { name: `Pupils in ${group}` })
      .getByRole("link", { name: pupilName, exact: true })
      .click();
    await page.waitForURL(`${base}/panel/pupil?upn=${encodeURIComponent(upn)}`);
    assert.equal(await heading(page), pupilName);
    await page.getByRole("heading", { name: "Action plan", level: 2 }).waitFor();
    const row = page.getByRole("table", { name: "Actions" }).getByRole("row").filter({ hasText: actionText });
    assert.equal(await row.count(), 1);
    await row.getByRole("cell", { name: "open", exact: true }).waitFor();
    await row.getByRole("button", { name: `Mark done: ${actionText}` }).waitFor();
    await row.getByRole("button", { name: `Drop: ${actionText}` }).waitFor();
    await shot(page, "pupil");
  });

  it("marks the action done; the page says so and offers Reopen", async () => {
    const row = page.getByRole("table", { name: "Actions" }).getByRole("row").filter({ hasText: actionText });
    await row.getByRole("button", { name: `Mark done: ${actionText}` }).click();
    await page.waitForURL(/\/panel\/pupil\?upn=.*&saved=action$/);
    const status = page.getByRole("status");
    await status.waitFor();
    assert.match(await status.textContent(), /Action updated/);
    await checkDone();
    await shot(page, "action-done");
  });

  it("still shows the action done after a reload", async () => {
    await page.goto(`${base}/panel/pupil?upn=${encodeURIComponent(upn)}`);
    await page.reload();
    assert.equal(await page.getByRole("status").count(), 0, "the saved message is gone");
    await checkDone();
    await shot(page, "action-done-reloaded");
  });

  it("saves a follow-up note and shows it", async () => {
    const note = `Talked to ${pupilName} about the open evening; he will bring a parent. (${Date.now()})`;
    await page.getByLabel("Add a follow-up note").fill(note);
    await page.getByRole("button", { name: "Save note" }).click();
    await page.waitForURL(/\/panel\/pupil\?upn=.*&saved=note$/);
    assert.match(await page.getByRole("status").textContent(), /Note saved/);
    const item = page.getByRole("listitem").filter({ hasText: note });
    assert.equal(await item.count(), 1);
    assert.match(await item.textContent(), new RegExp(escapeRe(email)));
    await shot(page, "note-saved");
  });

  it("refuses a pupil and a group the tutor does not look after (403)", async () => {
    const pupil = await page.goto(`${base}/panel/pupil?upn=${encodeURIComponent(otherUpn)}`);
    assert.equal(pupil.status(), 403);
    assert.equal(await heading(page), "Not one of your pupils");
    assert.equal(await page.getByText(otherUpn).count(), 0, "the refusal names no pupil");
    await shot(page, "other-pupil-403");
    const other = await page.goto(`${base}/panel/group?name=10A`);
    assert.equal(other.status(), 403);
    assert.equal(await heading(page), "Not one of your pupils");
  });

  it("fits a phone (390x844): no sideways scrolling, the table still a table", async () => {
    const phone = await browser.newContext({
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
      locale: "en-GB",
      storageState: await context.storageState(),
    });
    try {
      const p = await phone.newPage();
      for (const [path, name] of [
        [`/panel/group?name=${encodeURIComponent(group)}`, "phone-group"],
        [`/panel/pupil?upn=${encodeURIComponent(upn)}`, "phone-pupil"],
      ]) {
        const r = await p.goto(base + path);
        assert.equal(r.status(), 200);
        const width = await p.evaluate(() => document.documentElement.scrollWidth);
        assert.ok(width <= 390, `${path} is ${width}px wide on a 390px phone`);
        await shot(p, name);
      }
      // The stacked layout keeps table semantics for screen readers.
      const row = p.getByRole("table", { name: "Actions" }).getByRole("row").filter({ hasText: actionText });
      await row.getByRole("button", { name: `Reopen: ${actionText}` }).waitFor();
    } finally {
      await phone.close();
    }
  });

  it("prints the pupil's page on one A4 page, without the forms", async () => {
    await page.goto(`${base}/panel/pupil?upn=${encodeURIComponent(upn)}`);
    await page.emulateMedia({ media: "print" });
    try {
      assert.equal(await page.getByRole("table", { name: "Actions" }).isVisible(), true);
      assert.equal(await page.getByRole("button", { name: "Save note" }).isVisible(), false);
      assert.equal(await page.getByRole("button", { name: `Reopen: ${actionText}` }).isVisible(), false);
      await shot(page, "pupil-print-media");
      const pdf = join(shots, `${String(++shotNo).padStart(2, "0")}-pupil-print.pdf`);
      await page.pdf({ path: pdf, format: "A4", margin: { top: "15mm", bottom: "15mm", left: "15mm", right: "15mm" } });
      const pages = (readFileSync(pdf).toString("latin1").match(/\/Type\s*\/Page(?![a-zA-Z])/g) || []).length;
      assert.equal(pages, 1, `the pupil's page prints on ${pages} A4 pages (${pdf})`);
    } finally {
      await page.emulateMedia({ media: null });
    }
  });

  it("loaded nothing that failed, and logged no errors in the browser console", () => {
    // The refusals the steps above asked for, and nothing else.
    const expected = [
      "401 POST /panel/login",
      `403 GET /panel/pupil?upn=${encodeURIComponent(otherUpn)}`,
      "403 GET /panel/group?name=10A",
    ];
    const favicon = failedRequests.filter((r) => r.endsWith(" GET /favicon.ico"));
    if (favicon.length) {
      console.log(`note: the browser asked for /favicon.ico ${favicon.length} times and got ${favicon[0].split(" ")[0]}`);
    }
    assert.deepEqual(failedRequests.filter((r) => !r.endsWith(" GET /favicon.ico")), expected);
    assert.deepEqual(consoleErrors.filter((m) => !m.startsWith("Failed to load resource")), []);
  });
});

// The action row says done, today, by the tutor, and offers Reopen instead of Mark done / Drop.
async function checkDone() {
  const row = page.getByRole("table", { name: "Actions" }).getByRole("row").filter({ hasText: actionText });
  const cell = row.getByRole("cell", { name: /^done on / });
  await cell.waitFor();
  const text = (await cell.textContent()).trim();
  const m = text.match(/^done on (\d\d\/\d\d\/\d{4}) by (.+)$/);
  assert.ok(m, `status cell reads "${text}"`);
  assert.ok(todayUk().includes(m[1]), `done on ${m[1]}, not today`);
  assert.equal(m[2], email);
  await row.getByRole("button", { name: `Reopen: ${actionText}` }).waitFor();
  assert.equal(await row.getByRole("button", { name: /^Mark done/ }).count(), 0);
  assert.equal(await row.getByRole("button", { name: /^Drop/ }).count(), 0);
}
