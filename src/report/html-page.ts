// The report page's style and script. The script reads the rows' JSON block the report writes
// (see html-data.ts for its layout), draws only the rows in view, filters in memory, keeps the
// view in the URL hash and builds a site's details, screenshot included, when it is opened (only
// then parsing its line of the details block: the bulk of the data, left out of the first paint).
// No run data is interpolated into the script, and every value it puts into the page is escaped.

export const CSS = `
:root{--ok:#1a7f37;--bad:#cf222e;--err:#9a6700;--skip:#6e7781;--flaky:#8250df;--chg:#0969da;--known:#bf3989;--kfixed:#1b7c83;font-family:system-ui,sans-serif;color:#1f2328;background:#f6f8fa;font-size:14px}
body{margin:0}header,section,.pictures,.filters{padding:.4rem 1rem}
header{background:#fff;border-bottom:1px solid #d0d7de}
h1{font-size:1.2rem;margin:.2rem 0}h2{font-size:1.05rem;margin:.3rem 0}.meta{color:#59636e;font-size:.85rem;margin:.2rem 0}
.interrupted{background:#fff8c5;border:1px solid #d4a72c;padding:.3rem .6rem;margin:.3rem 0}
.counts{display:flex;flex-wrap:wrap;gap:1rem;list-style:none;padding:0;margin:.3rem 0}.counts b{font-size:1.2rem}
.counts .passed b,.counts .fixed b{color:var(--ok)}.counts .failed b,.counts .newly-failing b{color:var(--bad)}.counts .error b{color:var(--err)}.counts .skipped b{color:var(--skip)}.counts .flaky b{color:var(--flaky)}.counts .known b{color:var(--known)}.counts .known-fixed b{color:var(--kfixed)}
.counts a{color:inherit}
section.compare{background:#ddf4ff;border-bottom:1px solid #54aeff}section.evaluation{background:#fff;border-bottom:1px solid #d0d7de}
table.metrics{border-collapse:collapse;font-size:.85rem;margin:.3rem 0}table.metrics th,table.metrics td{border:1px solid #d0d7de;padding:.1rem .4rem;text-align:right;white-space:nowrap}
table.metrics th:first-child,table.misses td{text-align:left}
.pictures summary{cursor:pointer;font-weight:600}.row-of-pictures{display:flex;flex-wrap:wrap;gap:1.5rem;align-items:flex-start}
figure{margin:.4rem 0}figcaption{font-size:.85rem;color:#59636e}.wide{overflow-x:auto}
.picture text{font-size:10px;fill:#59636e}.picture .passed{fill:var(--ok)}.picture .failed{fill:var(--bad)}.picture .error{fill:var(--err)}.picture .skipped{fill:var(--skip)}
.picture .retry{fill:var(--flaky)}.picture .lost{stroke:#000;stroke-width:1.5}.picture .bin{fill:#54aeff}.picture .mark{stroke:var(--bad);stroke-dasharray:3 2}
.picture .axis line{stroke:#8c959f}.lane.node-lost text{fill:var(--bad);font-weight:bold}
.filters{display:flex;flex-wrap:wrap;gap:1rem;align-items:center;position:sticky;top:0;background:#fff;border-bottom:1px solid #d0d7de;z-index:2}
.row{display:flex;gap:.6rem;align-items:center;height:28px;box-sizing:border-box;padding:0 1rem;border-bottom:1px solid #eaeef2;white-space:nowrap;overflow:hidden}
.head.row{font-weight:600;color:#59636e;background:#f6f8fa}
#rows{position:relative;background:#fff}#rows .row{position:absolute;left:0;right:0;cursor:pointer}#rows .row:hover{background:#f6f8fa}
#rows .row.open{background:#ddf4ff}
.st{width:8rem;flex:none}.id{width:22rem;flex:none;overflow:hidden;text-overflow:ellipsis}.lc{width:4rem;flex:none}.tg{width:10rem;flex:none;overflow:hidden;text-overflow:ellipsis}
.ms{width:4.5rem;flex:none;text-align:right}.rs{flex:1;overflow:hidden;text-overflow:ellipsis;color:#59636e;font-family:ui-monospace,monospace;font-size:.8rem}
.badge{color:#fff;border-radius:1em;padding:0 .5em;font-size:.8rem;background:var(--skip)}
.badge.passed{background:var(--ok)}.badge.failed{background:var(--bad)}.badge.error{background:var(--err)}.badge.known{background:var(--known)}.badge.known-fixed{background:var(--kfixed)}.chg{color:var(--chg);font-size:.75rem;margin-left:.2rem}
#detail{position:fixed;top:0;right:0;bottom:0;width:min(760px,100vw);overflow:auto;background:#fff;border-left:1px solid #d0d7de;box-shadow:-4px 0 12px #0002;padding:.6rem 1rem;z-index:3;box-sizing:border-box}
#detail h2{word-break:break-all}#detail .close{float:right}
#detail table{border-collapse:collapse;font-size:.85rem;margin:.3rem 0;width:100%}#detail th,#detail td{border:1px solid #d0d7de;padding:.15rem .4rem;text-align:left;vertical-align:top;word-break:break-all;font-family:ui-monospace,monospace}
#detail th{font-family:system-ui,sans-serif;background:#f6f8fa;white-space:nowrap}
#detail tr.no td{color:var(--bad)}#detail .problem{color:var(--bad)}
#detail img{max-width:100%;border:1px solid #d0d7de}.msg{font-family:ui-monospace,monospace;white-space:pre-wrap}
`;

export const SCRIPT = `
(function(){
  // Marks for the bench (test/bench/report.ts): where the time to the first screen goes.
  performance.mark('grid-run:script');
  var raw = JSON.parse(document.getElementById('data').textContent);
  performance.mark('grid-run:parsed');
  var S = raw.strings, D = null, lines = null, ST = ['passed','failed','error','skipped'], VF = ['login','step','username','password','submit','present','absent'];
  var ROW = 28;
  function dec(table, i){ return i >= 0 ? table[i] : i === -1 ? null : i === -2 ? false : i === -3 ? true : undefined; }
  function s(i){ return dec(S, i); }
  function ds(i){ return dec(D, i); }
  function detailsOf(x){
    if (!lines){ lines = document.getElementById('details').textContent.split('\\n'); D = JSON.parse(lines[lines.length - 1]); }
    return JSON.parse(lines[x.i]);
  }
  function esc(v){ return String(v == null ? '' : v).replace(/[&<>"']/g, function(c){ return '&#' + c.charCodeAt(0) + ';'; }); }
  // As formatDuration (summary.ts) words it, so a row reads the same before and after the script draws it.
  function ms(n){
    if (n < 1000) return Math.round(n) + 'ms';
    var sec = n / 1000, m = Math.floor(sec / 60), r = Math.round(sec % 60);
    if (sec < 60) return sec.toFixed(1) + 's';
    return m < 60 ? m + 'm' + (r < 10 ? '0' : '') + r + 's' : Math.floor(m / 60) + 'h' + (m % 60 < 10 ? '0' : '') + (m % 60) + 'm';
  }
  function show(v){ return v === null ? 'none' : v === undefined ? '' : v === true ? 'yes' : v === false ? 'no' : String(v); }
  var sites = raw.sites.map(function(a, i){
    var k = a[9] || 0;
    return { i: i, id: a[0], url: a[1], status: ST[a[2]], flaky: a[3] === 1, ms: a[4], locale: s(a[5]), tags: a[6].map(s), nodes: a[7].map(s),
      message: s(at(a, 8, -4)), known: k ? (k[0] ? 'fixed' : 'failing') : '', knownWords: k ? S[k[1]] : '', changes: (a[10] || []).map(s), key: (a[0] + ' ' + a[1]).toLowerCase() };
  });
  // An entry left out (a trailing default) or marked as the site's own (-5) reads as that value.
  function at(list, k, dflt, own){ var v = k < list.length ? list[k] : dflt; return v === -5 ? own : v; }
  performance.mark('grid-run:decoded');
  var byId = {};
  sites.forEach(function(x){ byId[x.id] = x; });
  var form = document.getElementById('filters'), list = document.getElementById('rows'), shown = document.getElementById('shown');
  var detail = document.getElementById('detail');
  var keys = ['status','tag','locale','node','change','q'];
  var view = sites, openId = null;
  function val(k){ return form[k] ? form[k].value : ''; }
  function matches(x, f){
    // As the summary counts them: a known failure still failing is not among the failed.
    if (f.status && !(f.status === 'flaky' ? x.flaky : f.status === 'known' ? x.known === 'failing' : f.status === 'known-fixed' ? x.known === 'fixed' : x.status === f.status && !(f.status === 'failed' && x.known))) return false;
    if (f.tag && x.tags.indexOf(f.tag) < 0) return false;
    if (f.locale && x.locale !== f.locale) return false;
    if (f.node && x.nodes.indexOf(f.node) < 0) return false;
    if (f.change && (f.change === 'any' ? !x.changes.length : x.changes.indexOf(f.change) < 0)) return false;
    if (f.q && x.key.indexOf(f.q) < 0) return false;
    return true;
  }
  // As html.ts badge() writes it: a known failure's outcome in place of its status.
  function badge(x){
    if (!x.known) return '<span class="badge ' + x.status + '">' + x.status + '</span>';
    return x.known === 'fixed' ? '<span class="badge known-fixed" title="' + esc(x.knownWords) + '">fixed</span>' : '<span class="badge known" title="' + esc(x.knownWords) + '">known failure</span>';
  }
  function row(x){
    return '<div class="row ' + x.status + (x.id === openId ? ' open' : '') + '" style="top:' + (x.pos * ROW) + 'px" data-i="' + x.i + '">'
      + '<span class="st">' + badge(x) + (x.flaky ? ' <span class="chg">flaky</span>' : '') + '</span>'
      + '<span class="id" title="' + esc(x.id) + '">' + esc(x.id) + x.changes.filter(function(c){ return c !== 'flaky'; }).map(function(c){ return ' <span class="chg">' + esc(c) + '</span>'; }).join('') + '</span>'
      + '<span class="lc">' + esc(x.locale) + '</span><span class="tg">' + esc(x.tags.join(', ')) + '</span>'
      + '<span class="ms">' + ms(x.ms) + '</span><span class="rs" title="' + esc(x.message) + '">' + esc(x.message) + '</span></div>';
  }
  var drawn = '';
  function draw(){
    var top = list.getBoundingClientRect().top;
    var from = Math.max(0, Math.floor(-top / ROW) - 10);
    var to = Math.min(view.length, from + Math.ceil(window.innerHeight / ROW) + 20);
    var html = '';
    for (var k = from; k < to; k++){ view[k].pos = k; html += row(view[k]); }
    if (html !== drawn){ list.innerHTML = html; drawn = html; }
  }
  function hashState(){
    var p = new URLSearchParams(location.hash.slice(1)), f = {};
    keys.concat('site').forEach(function(k){ f[k] = p.get(k) || ''; });
    return f;
  }
  function writeHash(){
    var p = new URLSearchParams();
    keys.forEach(function(k){ if (val(k)) p.set(k, val(k)); });
    if (openId) p.set('site', openId);
    var h = p.toString();
    history.replaceState(null, '', h ? '#' + h : location.pathname + location.search);
  }
  function apply(){
    var f = {};
    keys.forEach(function(k){ f[k] = val(k); });
    f.q = f.q.trim().toLowerCase();
    view = sites.filter(function(x){ return matches(x, f); });
    list.style.height = (view.length * ROW) + 'px';
    shown.textContent = view.length + ' of ' + sites.length + ' shown';
    drawn = '';
    draw();
    writeHash();
  }
  function table(rows){ return '<table>' + rows.map(function(r){ return '<tr><th>' + esc(r[0]) + '</th><td>' + r[1] + '</td></tr>'; }).join('') + '</table>'; }
  function openSite(id){
    var x = byId[id];
    if (!x){ detail.hidden = true; openId = null; return; }
    openId = id;
    // The details' own strings: s() in here reads them, not the rows'.
    var a = detailsOf(x), s = ds, t = a[4], d = a[5], e = a[6];
    var h = '<button class="close" type="button">close</button><h2>' + badge(x) + ' ' + esc(x.id) + '</h2>';
    h += /^https?:/i.test(x.url) ? '<p><a href="' + esc(x.url) + '" target="_blank" rel="noopener noreferrer">' + esc(x.url) + '</a></p>' : '<p>' + esc(x.url) + '</p>';
    if (x.known) h += '<p class="known">' + esc(x.knownWords) + '</p>';
    if (x.message) h += '<p class="msg">' + esc(x.message) + '</p>';
    var v = a[7];
    if (v.length){
      h += '<h3>Verdict</h3><table><tr><th>field</th><th>expected</th><th>detected</th><th>match</th></tr>' + v.map(function(r){
        var f = r[0], own = function(side){ return side === 'e' ? (f === 0 ? s(e[0]) : f === 1 ? undefined : s(e[f - 1])) : (f === 0 ? d[0] === 1 : s(d[f === 1 ? 1 : f])); };
        var expEl = s(at(r, 2, -4)), detEl = at(r, 3, -6) === -6 ? expEl : s(r[3]);
        var ev = r.length > 4 ? r[4] : -5, dv = r.length > 5 ? r[5] : -5;
        var ex = show(ev === -5 ? own('e') : s(ev)) + (expEl !== undefined ? ' (' + expEl + ')' : '');
        var de = show(dv === -5 ? own('d') : s(dv)) + (detEl !== undefined ? ' (' + detEl + ')' : '');
        return '<tr class="' + (r[1] ? 'yes' : 'no') + '"><td>' + esc(VF[f]) + (at(r, 6, 0) ? ' (baseline)' : '') + '</td><td>' + esc(ex) + '</td><td>' + esc(de) + '</td><td>' + (r[1] ? 'yes' : 'no') + '</td></tr>';
      }).join('') + '</table>';
      var probs = v.filter(function(r){ return !r[1]; }).map(function(r){ return '<li>' + esc(s(r[7])) + '</li>'; }).join('');
      if (probs) h += '<ul class="problem">' + probs + '</ul>';
    }
    var rows = [];
    if (e) rows.push(['expected', esc('login=' + show(s(e[0])) + ' username=' + show(s(e[1])) + ' password=' + show(s(e[2])) + ' submit=' + show(s(e[3])))]);
    if (d) {
      rows.push(['detected', esc('login=' + (d[0] ? 'yes' : 'no') + ' step=' + s(d[1]) + ' username=' + show(s(d[2])) + ' password=' + show(s(d[3])) + ' submit=' + show(s(d[4])) + ' confidence=' + d[5])]);
      rows.push(['signals', esc(d[6].map(s).join('; '))]);
    }
    rows.push(['locale', esc(x.locale)], ['tags', esc(x.tags.join(', '))], ['node', esc(s(a[0]))], ['session', esc(s(a[1]))], ['browser', esc(s(a[2]))]);
    rows.push(['timings', esc('load ' + ms(t[0]) + ' · steps ' + ms(t[1]) + ' · detect ' + ms(t[2]) + ' · total ' + ms(t[3]))]);
    if (x.changes.length) rows.push(['changes', esc(x.changes.join(', '))]);
    h += table(rows.filter(function(r){ return r[1] !== ''; }));
    if (a[8].length){
      h += '<h3>Attempts</h3><table><tr><th>#</th><th>status</th><th>node</th><th>session</th><th>time</th><th>message</th></tr>' + a[8].map(function(r){
        var flags = at(r, 7, 0), lost = (flags & 2) ? ' (node lost)' : (flags & 1) ? ' (session lost)' : '';
        return '<tr><td>' + r[0] + '</td><td>' + ST[r[1]] + esc(lost) + '</td><td>' + esc(s(at(r, 4, -5, a[0]))) + '</td><td>' + esc(s(at(r, 5, -5, a[1]))) + '</td><td>' + ms(r[3]) + ' at +' + ms(r[2]) + '</td><td>' + esc(s(at(r, 6, -4))) + '</td></tr>';
      }).join('') + '</table>';
    }
    var shot = s(a[3]);
    h += shot !== undefined ? '<h3>Screenshot</h3><a href="' + esc(shot) + '" target="_blank"><img class="shot" alt="' + esc('screenshot of ' + x.id) + '" src="' + esc(shot) + '"></a>' : '<p class="meta">no screenshot</p>';
    detail.innerHTML = h;
    detail.hidden = false;
    detail.scrollTop = 0;
  }
  function closeSite(){ openId = null; detail.hidden = true; detail.innerHTML = ''; drawn = ''; draw(); writeHash(); }
  function fromHash(){
    var f = hashState();
    keys.forEach(function(k){ if (form[k]) form[k].value = f[k]; });
    apply();
    if (f.site) openSite(f.site); else if (openId) closeSite();
    drawn = ''; draw();
  }
  list.addEventListener('click', function(ev){
    var el = ev.target.closest('.row');
    if (!el) return;
    openSite(sites[Number(el.dataset.i)].id);
    writeHash(); drawn = ''; draw();
  });
  detail.addEventListener('click', function(ev){ if (ev.target.classList.contains('close')) closeSite(); });
  document.addEventListener('keydown', function(ev){ if (ev.key === 'Escape' && openId) closeSite(); });
  // The search box as one types; a select when it changes (a click on an option fires no input event in every browser).
  form.addEventListener('input', function(ev){ if (ev.target.name === 'q') apply(); });
  form.addEventListener('change', function(ev){ if (ev.target.name !== 'q') apply(); });
  form.addEventListener('submit', function(ev){ ev.preventDefault(); });
  window.addEventListener('scroll', draw, { passive: true });
  window.addEventListener('resize', draw);
  window.addEventListener('hashchange', fromHash);
  fromHash();
  performance.mark('grid-run:rendered');
  requestAnimationFrame(function(){ setTimeout(function(){ performance.mark('grid-run:painted'); document.documentElement.dataset.ready = '1'; }, 0); });
})();
`;
