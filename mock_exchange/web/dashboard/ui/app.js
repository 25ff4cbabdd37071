// The mock-exchange dashboard: reads the /mock/ui/api feeds, steers the exchange through the
// control API (/mock/v1), and follows the live stream (/mock/ui/api/stream). No build step,
// no framework; every text from the exchange goes into the page as text, never as HTML.
"use strict";

(() => {
  const API = "api/";
  const CONTROL = "/mock/v1";
  const PAGE = 50;
  const TOKEN_HEADER = "X-Mock-Token";
  const STORE_KEY = "mock-exchange-token";

  const $ = (id) => document.getElementById(id);
  let token = sessionStorage.getItem(STORE_KEY) || "";
  let summary = null;

  // -- DOM and HTTP helpers ---------------------------------------------------------------

  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "class") el.className = value;
      else if (key.startsWith("on")) el.addEventListener(key.slice(2), value);
      else el.setAttribute(key, value === true ? "" : value);
    }
    for (const child of children.flat(Infinity)) {
      if (child === null || child === undefined || child === false) continue;
      el.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return el;
  }

  function query(params) {
    const pairs = Object.entries(params || {}).filter(([, v]) => v !== null && v !== undefined && v !== "");
    return pairs.length ? "?" + new URLSearchParams(pairs).toString() : "";
  }

  class HttpError extends Error {
    constructor(status, body) {
      const error = body && body.error;
      super(error ? `${error.message}${error.binance_code ? ` (Binance code ${error.binance_code})` : ""}` : `HTTP ${status}`);
      this.status = status;
    }
  }

  function headers(extra) {
    const all = Object.assign({}, extra);
    if (token) all[TOKEN_HEADER] = token;
    return all;
  }

  async function call(method, url, body) {
    const init = { method, headers: headers(body === undefined ? {} : { "Content-Type": "application/json" }), cache: "no-store" };
    if (body !== undefined) init.body = JSON.stringify(body);
    const response = await fetch(url, init);
    const data = await response.json().catch(() => null);
    if (response.status === 401) askToken();
    if (!response.ok) throw new HttpError(response.status, data);
    return data;
  }

  const feed = (name, params) => call("GET", API + name + query(params));
  const control = (method, path, body) => call(method, CONTROL + path, body);

  const time = (ms) => (ms === null || ms === undefined ? "" : new Date(ms).toISOString().slice(11, 19));
  const fullTime = (ms) => new Date(ms).toISOString().replace("T", " ").replace("Z", " UTC");

  function say(text, bad) {
    const el = $("message");
    el.textContent = text;
    el.classList.toggle("bad", Boolean(bad));
  }

  // -- the control token ------------------------------------------------------------------

  function takeTokenFromAddress() {
    const match = /(?:^#|&)token=([^&]+)/.exec(location.hash);
    if (match) {
      token = decodeURIComponent(match[1]);
      sessionStorage.setItem(STORE_KEY, token);
      history.replaceState(null, "", location.pathname + location.search);
    }
  }

  function askToken() {
    const dialog = $("token-dialog");
    if (!dialog.open) dialog.showModal();
  }

  $("token-form").addEventListener("submit", () => {
    token = $("token-input").value.trim();
    sessionStorage.setItem(STORE_KEY, token);
    refreshSoon(true);
  });

  // -- paged lists (newest first) ------------------------------------------------------------

  // One list panel: the first page follows the exchange live; older pages stay as they were
  // read until you go back to the newest. Pages are fetched with a cursor, never all at once.
  class PagedList {
    constructor({ list, pager, load, render, seqOf, incremental, empty }) {
      Object.assign(this, { list, pager, load, render, seqOf, incremental, empty });
      this.cursors = [null]; // the before-cursor of each page read so far
      this.items = [];
      this.total = 0;
      this.next = null;
    }

    get onFirstPage() { return this.cursors.length === 1; }

    async reload() {
      const page = await this.load({ before: this.cursors[this.cursors.length - 1] });
      this.items = page.items;
      this.total = page.total;
      this.next = page.next;
      this.draw();
    }

    async live(lastSeq) {
      if (!this.onFirstPage) return this.drawPager();
      const newest = this.items.length ? this.seqOf(this.items[0]) : null;
      if (!this.incremental || newest === null || lastSeq < newest) return this.reload();
      if (lastSeq === newest) return undefined;
      const page = await this.load({ after: newest });
      if (page.next !== null) return this.reload(); // more new items than a page: start over
      this.items = page.items.concat(this.items).slice(0, PAGE);
      this.total += page.total;
      if (this.items.length === PAGE) this.next = this.seqOf(this.items[PAGE - 1]);
      this.draw();
      return undefined;
    }

    restart() {
      this.cursors = [null];
      return this.reload();
    }

    // Redrawn only when what it shows changed, so a live page keeps still under the pointer.
    changed() {
      const key = JSON.stringify([this.items, this.total, this.next, this.cursors.length]);
      if (key === this.drawn) return false;
      this.drawn = key;
      return true;
    }

    draw() {
      if (!this.changed()) return;
      this.list.replaceChildren(...(this.items.length ? this.items.map(this.render) : [this.empty()]));
      this.drawPager();
    }

    drawPager() {
      const shownFrom = (this.cursors.length - 1) * PAGE + 1;
      this.pager.replaceChildren(
        h("button", { type: "button", disabled: this.onFirstPage, class: "newest", onclick: () => this.restart() }, "Newest"),
        h("button", { type: "button", disabled: this.next === null, class: "older",
                      onclick: () => { this.cursors.push(this.next); this.reload(); } }, "Older"),
        h("span", { class: "range" }, this.items.length ? `${shownFrom}–${shownFrom + this.items.length - 1} of ${this.total}` : `0 of ${this.total}`),
        this.onFirstPage ? "" : h("span", {}, "(paused: older page)"));
    }
  }

  // -- orders and order lists -----------------------------------------------------------------

  let orderTab = "open-orders";

  function orderRow(order, leg) {
    return h("tr", { class: leg ? "leg" : "", "data-order-id": order.order_id },
      h("td", {}, leg ? `${order.list_role || "leg"} #${order.order_id}` : `#${order.order_id}`),
      h("td", {}, order.symbol),
      h("td", { class: order.side }, order.side),
      h("td", {}, order.type),
      h("td", { class: "num" }, order.price === "0" ? "" : order.price),
      h("td", { class: "num" }, order.stop_price === "0" ? "" : order.stop_price),
      h("td", { class: "num" }, `${order.executed_qty} / ${order.quantity}`),
      h("td", {}, h("span", { class: `status ${order.status}` }, order.status)),
      h("td", { class: "muted" }, order.account + (order.isolated ? " (isolated)" : "")),
      h("td", { class: "muted" }, time(order.update_time_ms || order.time_ms)));
  }

  function listRows(item) {
    return [h("tr", { class: "list-row", "data-list-id": item.order_list_id },
      h("td", {}, h("b", {}, `${item.kind} #${item.order_list_id}`)),
      h("td", {}, item.symbol),
      h("td", { colspan: 4, class: "muted" }, item.list_client_order_id),
      h("td", {}, h("span", { class: `status ${item.list_status_type}` }, item.list_status_type)),
      h("td", {}, h("span", { class: `status ${item.list_order_status}` }, item.list_order_status)),
      h("td", { class: "muted" }, item.account + (item.isolated ? " (isolated)" : "")),
      h("td", { class: "muted" }, time(item.transaction_time_ms))),
    ...item.legs.map((leg) => orderRow(leg, true))];
  }

  const orderHead = () => h("thead", {}, h("tr", {}, ["order", "symbol", "side", "type", "price", "stop", "filled / qty",
    "status", "account", "updated"].map((t) => h("th", {}, t))));

  const orders = new PagedList({
    list: $("orders"),
    pager: $("orders-pager"),
    seqOf: (item) => item.order_id ?? item.order_list_id,
    incremental: false,
    empty: () => h("div", { class: "empty" }, "nothing here yet"),
    render: (item) => item,
    load: async ({ before }) => {
      const lists = orderTab.endsWith("lists");
      const params = { scope: orderTab.startsWith("open") ? "open" : "all", account: $("orders-account").value,
                       symbol: $("orders-symbol").value, before_id: before, limit: PAGE };
      const page = await feed(lists ? "order-lists" : "orders", params);
      return { items: lists ? page.order_lists : page.orders, total: page.total, next: page.next_before_id };
    },
  });
  // Orders draw as one table, not as list items.
  orders.draw = function drawOrders() {
    if (!this.changed()) return;
    const lists = orderTab.endsWith("lists");
    const rows = this.items.flatMap((item) => (lists ? listRows(item) : [orderRow(item, false)]));
    this.list.replaceChildren(rows.length
      ? h("table", { id: lists ? "lists-table" : "orders-table" }, orderHead(), h("tbody", {}, rows))
      : this.empty());
    this.drawPager();
  };

  for (const button of document.querySelectorAll("#order-tabs button")) {
    button.addEventListener("click", () => {
      orderTab = button.dataset.tab;
      for (const other of document.querySelectorAll("#order-tabs button")) other.classList.toggle("active", other === button);
      orders.restart().catch(showError);
    });
  }

  // -- events ---------------------------------------------------------------------------------

  function eventText(event) {
    switch (event.type) {
      case "order":
        return [h("span", { class: event.side }, `${event.side} ${event.order_type}`), ` #${event.order_id} ${event.symbol} `,
          event.action.endsWith("fill") ? `${event.last_qty} @ ${event.last_price}` : `${event.quantity} @ ${event.price !== "0" ? event.price : event.stop_price}`,
          event.order_list_id >= 0 ? ` · list #${event.order_list_id}` : "", event.expiry_reason !== "NONE" ? ` · ${event.expiry_reason}` : ""];
      case "list_status":
        return [`${event.list_kind} #${event.order_list_id} ${event.symbol} ${event.list_status_type} / ${event.list_order_status}`];
      case "balance":
        return [event.balances.map((b) => `${b.asset} ${b.free} free, ${b.locked} locked`).join(" · ")];
      case "liability":
        return [`${event.asset} ${event.amount} (principal ${event.principal}, interest ${event.interest})`];
      case "balance_update":
        return [`${event.asset} ${event.delta}`];
      case "margin_level_status":
        return [`margin level ${event.margin_level}: ${event.previous_status} → ${event.status}`];
      default:
        return [event.type];
    }
  }

  const events = new PagedList({
    list: $("events"),
    pager: $("events-pager"),
    seqOf: (event) => event.seq,
    incremental: true,
    empty: () => h("li", { class: "empty" }, "no events yet: place an order or move the price"),
    render: (event) => h("li", { class: `event ${event.action}`, "data-seq": event.seq, "data-action": event.action },
      h("span", { class: "seq" }, `#${event.seq}`),
      h("span", { class: "what" }, event.action.replace(/_/g, " ")),
      h("span", {}, eventText(event), h("span", { class: "muted" }, ` · ${event.account}${event.isolated_symbol ? ` (${event.isolated_symbol})` : ""} · ${time(event.time_ms)}`))),
    load: async ({ before, after }) => {
      const page = await feed("events", { account: $("events-account").value, symbol: $("events-symbol").value,
                                          before_seq: before, after_seq: after, limit: PAGE });
      return { items: page.events, total: page.total, next: page.next_before_seq };
    },
  });

  // -- the request journal ----------------------------------------------------------------------

  async function showEntry(seq) {
    const { entry } = await feed(`journal/${seq}`);
    $("detail-body").textContent = JSON.stringify(entry, null, 2);
    $("detail").showModal();
  }

  const journal = new PagedList({
    list: $("journal"),
    pager: $("journal-pager"),
    seqOf: (entry) => entry.seq,
    incremental: true,
    empty: () => h("li", { class: "empty" }, "no requests yet"),
    render: (entry) => h("li", { class: `request ${entry.status >= 400 ? "rejected" : "accepted"}`, "data-seq": entry.seq,
                                 title: "show the whole entry", onclick: () => showEntry(entry.seq).catch(showError) },
      h("span", { class: "seq" }, `#${entry.seq}`),
      h("span", { class: entry.status >= 400 ? "bad" : "ok" }, entry.status),
      h("span", {}, `${entry.method} ${entry.path}`, h("span", { class: "muted" }, ` · ${entry.account || "no account"} · w${entry.weight} · ${time(entry.time_ms)}`),
        entry.fault ? h("span", { class: "code" }, ` · fault ${entry.fault.kind}`) : ""),
      entry.code !== null ? h("span", { class: "why" }, h("span", { class: "code" }, `${entry.code} `), entry.msg || "") : "",
      entry.explanation ? h("span", { class: "why explanation" }, `why: ${entry.explanation.text}`) : ""),
    load: async ({ before, after }) => {
      const page = await feed("journal", { status: $("journal-status").value, path: $("journal-path").value.trim(),
                                           account: $("journal-account").value, before_seq: before, after_seq: after, limit: PAGE });
      return { items: page.entries, total: page.total, next: page.next_before_seq };
    },
  });

  // -- accounts -----------------------------------------------------------------------------------

  function walletTable(balances, withMargin) {
    const rows = Object.entries(balances).filter(([, b]) => Object.values(b).some((v) => v !== "0"));
    if (!rows.length) return h("div", { class: "muted" }, "empty");
    const heads = withMargin ? ["asset", "free", "locked", "borrowed", "interest", "net"] : ["asset", "free", "locked"];
    return h("table", {}, h("thead", {}, h("tr", {}, heads.map((t) => h("th", {}, t)))),
      h("tbody", {}, rows.map(([asset, b]) => h("tr", {}, h("td", {}, asset),
        ...(withMargin ? [b.free, b.locked, b.borrowed, b.interest, b.net_asset] : [b.free, b.locked]).map((v) => h("td", { class: "num" }, v))))));
  }

  function levelBadge(level) {
    if (!level) return "";
    const shown = level.margin_level === null ? "no debt" : `level ${Number(level.margin_level).toFixed(3)}`;
    return h("span", { class: `level ${level.status}` }, `${shown} · ${level.status}`);
  }

  let accountsDrawn = null;

  async function drawAccounts() {
    const { accounts } = await feed("accounts");
    const key = JSON.stringify(accounts);
    if (key === accountsDrawn) return;
    accountsDrawn = key;
    $("accounts").replaceChildren(...accounts.map((account) => h("div", { class: "account", "data-account": account.name },
      h("h3", {}, account.name, h("span", { class: "muted" }, `  ${account.key_types.join(", ")}${account.margin_enabled ? "" : " · margin off"}`)),
      Object.keys(account.spot || {}).length ? [h("div", { class: "wallet-name" }, "spot"), walletTable(account.spot, false)] : "",
      h("div", { class: "wallet-name" }, "cross margin", levelBadge(account.cross_margin_level)),
      walletTable(account.cross, true),
      Object.entries(account.isolated).map(([pair, balances]) => [
        h("div", { class: "wallet-name" }, `isolated ${pair}`, levelBadge(account.isolated_margin_levels[pair])),
        walletTable(balances, true)]))));
  }

  // -- the price chart -------------------------------------------------------------------------------

  const chart = { api: null, series: null, markers: null, lines: [], levels: [], data: null };

  // The price axis takes in the orders' levels too, so a take-profit far above the market shows.
  function withLevels(original) {
    const info = original();
    if (!info || !info.priceRange || !chart.levels.length) return info;
    const low = Math.min(info.priceRange.minValue, ...chart.levels);
    const high = Math.max(info.priceRange.maxValue, ...chart.levels);
    return Object.assign({}, info, { priceRange: { minValue: low, maxValue: high } });
  }

  function chartSymbol() { return $("chart-symbol").value; }

  function initChart() {
    const LC = window.LightweightCharts;
    chart.api = LC.createChart($("chart"), {
      autoSize: true,
      layout: { background: { color: "#161c24" }, textColor: "#aab4c3", fontSize: 11 },
      grid: { vertLines: { color: "#1e2631" }, horzLines: { color: "#1e2631" } },
      rightPriceScale: { borderColor: "#263040" },
      timeScale: { borderColor: "#263040", timeVisible: true, secondsVisible: true, rightOffset: 6 },
      crosshair: { mode: 0 },
    });
    chart.series = chart.api.addSeries(LC.CandlestickSeries, {
      upColor: "#26a69a", downColor: "#ef5350", borderVisible: false, wickUpColor: "#26a69a", wickDownColor: "#ef5350",
      autoscaleInfoProvider: withLevels,
    });
    chart.markers = LC.createSeriesMarkers(chart.series, []);
  }

  function decimals(text) {
    const dot = text.indexOf(".");
    return dot < 0 ? 0 : text.length - dot - 1;
  }

  async function drawChart() {
    const symbol = chartSymbol();
    if (!symbol) return;
    const data = await feed("chart", { symbol, interval: $("chart-interval").value, limit: 500 });
    if (data.symbol !== chartSymbol()) return; // the symbol changed while it loaded
    const precision = Math.min(8, Math.max(2, ...data.candles.map((c) => decimals(c.close))));
    chart.series.applyOptions({ priceFormat: { type: "price", precision, minMove: 10 ** -precision } });
    const candles = data.candles.map((c) => ({ time: Math.floor(c.open_ms / 1000), open: +c.open, high: +c.high, low: +c.low, close: +c.close }));
    chart.levels = data.lines.map((line) => +line.price);
    chart.series.setData(candles);
    for (const line of chart.lines) chart.series.removePriceLine(line);
    chart.lines = data.lines.map((line) => chart.series.createPriceLine({
      price: +line.price,
      color: line.kind === "stop" ? "#f0b90b" : (line.side === "BUY" ? "#26a69a" : "#ef5350"),
      lineWidth: line.pending ? 1 : 2,
      lineStyle: line.kind === "stop" ? 2 : (line.pending ? 1 : 0),
      axisLabelVisible: true,
      title: `${line.side} ${line.kind === "stop" ? "stop" : line.type} #${line.order_id}${line.pending ? " (pending)" : ""}`,
    }));
    const starts = candles.map((c) => c.time);
    const candleOf = (ms) => {
      const t = Math.floor(ms / 1000);
      let found = starts[0];
      for (const start of starts) { if (start <= t) found = start; else break; }
      return found;
    };
    const markers = data.fills.map((fill) => ({
      time: candleOf(fill.time_ms), position: fill.side === "BUY" ? "belowBar" : "aboveBar",
      color: fill.side === "BUY" ? "#26a69a" : "#ef5350", shape: fill.side === "BUY" ? "arrowUp" : "arrowDown",
      text: `${fill.side} ${fill.qty} @ ${fill.price}`, id: `fill-${fill.trade_id}`,
    })).sort((a, b) => a.time - b.time);
    chart.markers.setMarkers(markers);
    chart.data = { symbol, candles: candles.length, lines: data.lines, fills: data.fills, markers };
    $("chart-last").textContent = `last ${data.last_price}`;
  }

  // -- header, selects, controls --------------------------------------------------------------------

  let clockShown = null;

  function drawClock() {
    if (!clockShown) return;
    const { clock, at } = clockShown;
    const now = clock.mode === "frozen" ? clock.now_ms : clock.now_ms + (Date.now() - at);
    $("clock").textContent = `${fullTime(now)} · ${clock.mode}${clock.mode === "offset" ? ` (${clock.offset_ms >= 0 ? "+" : ""}${clock.offset_ms} ms)` : ""}`;
  }

  function fillSelect(select, values, keepFirst) {
    const current = select.value;
    const options = values.map((v) => h("option", { value: v }, v));
    select.replaceChildren(...(keepFirst ? [select.options[0]] : []), ...options);
    if ([...select.options].some((o) => o.value === current)) select.value = current;
  }

  function drawSummary(data) {
    const previous = summary;
    summary = data;
    clockShown = { clock: data.clock, at: Date.now() };
    drawClock();
    $("seed").textContent = `seed ${data.seed}`;
    const c = data.counts;
    $("counts").textContent = `${c.open_orders} open orders · ${c.open_order_lists} open lists · ${c.orders} orders · ${c.trades} fills · ${c.journal} requests`;
    $("fault-count-shown").textContent = data.faults.length ? `${data.faults.length} rule(s) active` : "";
    const symbols = data.symbols.map((s) => s.symbol);
    if (!previous || previous.symbols.length !== symbols.length) {
      fillSelect($("chart-symbol"), symbols, false);
      fillSelect($("control-symbol"), symbols, false);
      fillSelect($("orders-symbol"), symbols, true);
      fillSelect($("events-symbol"), symbols, true);
    }
    if (!previous || previous.accounts.join() !== data.accounts.join()) {
      for (const id of ["orders-account", "events-account", "journal-account"]) fillSelect($(id), data.accounts, true);
    }
    if (!previous || previous.fault_kinds.join() !== data.fault_kinds.join()) fillSelect($("fault-kind"), data.fault_kinds, false);
  }

  function showError(error) {
    say(error.message || String(error), true);
  }

  async function act(describe, action) {
    try {
      const result = await action();
      say(describe(result));
    } catch (error) {
      showError(error);
    }
    refreshSoon(true);
  }

  const actions = (events_) => {
    const list = events_.map((e) => e.action).filter((a) => a !== "balance");
    return list.length ? `: ${list.join(", ")}` : ": nothing happened";
  };

  $("price-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const symbol = $("control-symbol").value;
    const price = $("price-input").value.trim();
    act((r) => `${symbol} printed at ${r.last_price}${actions(r.events)}`,
      () => control("POST", `/market/${encodeURIComponent(symbol)}/price`, { price }));
  });

  $("path-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const symbol = $("control-symbol").value;
    const prices = $("path-input").value.split(/[\s,;]+/).filter(Boolean);
    const step = Number($("path-step").value || 0);
    act((all) => `${symbol} ran ${prices.length} prints${actions(all)}`, async () => {
      if (!(step > 0)) return (await control("POST", `/market/${encodeURIComponent(symbol)}/path`, { prices })).events;
      const all = [];
      for (const [i, price] of prices.entries()) {
        if (i > 0) await control("POST", "/clock", { advance_ms: Math.round(step * 1000) });
        all.push(...(await control("POST", `/market/${encodeURIComponent(symbol)}/price`, { price })).events);
      }
      return all;
    });
  });

  $("freeze").addEventListener("click", () => act((c) => `clock frozen at ${c.iso}`, () => control("POST", "/clock", { freeze: true })));
  $("unfreeze").addEventListener("click", () => act((c) => `clock running (${c.mode})`, () => control("POST", "/clock", { unfreeze: true })));
  $("clock-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const seconds = Number($("advance-input").value || 0);
    act((c) => `clock advanced to ${c.iso}`, () => control("POST", "/clock", { advance_ms: Math.round(seconds * 1000) }));
  });

  $("fault-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const kind = $("fault-kind").value;
    const body = { endpoint: $("fault-endpoint").value.trim(), kind };
    const count = $("fault-count").value.trim();
    if (count) body.count = Number(count);
    if (kind === "latency") body.delay_ms = 1000;
    act((rule) => `fault #${rule.id} ${rule.kind} on ${rule.endpoint}`, () => control("POST", "/faults", body));
  });
  $("clear-faults").addEventListener("click", () => act((r) => `${r.cleared} fault rule(s) cleared`, () => control("DELETE", "/faults")));

  $("state-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const path = $("snapshot-path").value.trim();
    act((r) => `snapshot saved: ${r.path} (${r.bytes} bytes)`, () => control("POST", "/state/save", { path }));
  });

  let resetArmed = null;
  $("reset").addEventListener("click", () => {
    const button = $("reset");
    if (!resetArmed) {
      button.textContent = "Sure? Reset";
      resetArmed = setTimeout(() => { resetArmed = null; button.textContent = "Reset"; }, 4000);
      return;
    }
    clearTimeout(resetArmed);
    resetArmed = null;
    button.textContent = "Reset";
    act((r) => `exchange reset (seed ${r.seed})`, () => control("POST", "/reset", {}));
  });

  // -- refreshing ---------------------------------------------------------------------------------------

  // Live refreshes come at most every REFRESH_GAP ms, so a busy bot's stream of changes costs
  // the server a few page reads a second, not one per request; your own actions show at once.
  const REFRESH_GAP = 400;
  let refreshing = null;
  let again = false;
  let timer = null;
  let lastRefresh = 0;

  function refreshSoon(now) {
    if (timer) return;
    const wait = now ? 0 : Math.max(0, lastRefresh + REFRESH_GAP - Date.now());
    timer = setTimeout(() => { timer = null; refresh(); }, wait);
  }

  async function refresh() {
    if (refreshing) { again = true; return refreshing; }
    lastRefresh = Date.now();
    refreshing = (async () => {
      try {
        const data = await feed("summary");
        drawSummary(data);
        await Promise.all([drawAccounts(), drawChart(), orders.reload(), events.live(data.last_event_seq),
                           journal.live(data.last_journal_seq)]);
        document.body.dataset.refreshed = String(Number(document.body.dataset.refreshed || 0) + 1);
      } catch (error) {
        showError(error);
      }
    })();
    await refreshing;
    refreshing = null;
    if (again) { again = false; refreshSoon(false); }
    return undefined;
  }

  for (const id of ["orders-account", "orders-symbol"]) $(id).addEventListener("change", () => orders.restart().catch(showError));
  for (const id of ["events-account", "events-symbol"]) $(id).addEventListener("change", () => events.restart().catch(showError));
  for (const id of ["journal-status", "journal-account"]) $(id).addEventListener("change", () => journal.restart().catch(showError));
  $("journal-path").addEventListener("change", () => journal.restart().catch(showError));
  for (const id of ["chart-symbol", "chart-interval"]) $(id).addEventListener("change", () => drawChart().catch(showError));
  $("control-symbol").addEventListener("change", () => { $("chart-symbol").value = $("control-symbol").value; drawChart().catch(showError); });

  // -- live updates: the server-sent event stream, read with fetch so the token can go in a header -----

  function setLive(mode, text) {
    const el = $("live");
    el.className = `live ${mode}`;
    el.textContent = text;
  }

  const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  async function follow() {
    let failures = 0;
    for (;;) {
      try {
        const response = await fetch(API + "stream", { headers: headers({ Accept: "text/event-stream" }), cache: "no-store" });
        if (response.status === 401) { askToken(); await pause(2000); continue; }
        if (!response.ok || !response.body) throw new Error(`live stream: HTTP ${response.status}`);
        failures = 0;
        setLive("on", "live");
        const reader = response.body.getReader();
        const decoder = new TextDecoder();
        let buffer = "";
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += decoder.decode(value, { stream: true });
          let cut;
          while ((cut = buffer.indexOf("\n\n")) >= 0) {
            const block = buffer.slice(0, cut);
            buffer = buffer.slice(cut + 2);
            if (/^event: change$/m.test(block)) refreshSoon(false);
          }
        }
      } catch (error) {
        failures += 1;
        setLive("poll", "polling");
        // No stream (too many open, or a proxy that buffers): poll the summary for a while.
        for (let i = 0; i < 10; i += 1) { await pause(1000); refreshSoon(false); }
        if (failures > 3) await pause(5000);
      }
    }
  }

  // -- start -------------------------------------------------------------------------------------------

  window.dashboard = {
    // For tests and the curious: what the chart shows now.
    chartState: () => chart.data,
    refresh: () => refresh(),
  };

  takeTokenFromAddress();
  initChart();
  setInterval(drawClock, 1000);
  refresh().then(() => follow());
})();
