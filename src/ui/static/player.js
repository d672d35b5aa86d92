// The site-wide player. Tracks on a page ([data-track]) become buttons that play through one
// <audio> element in #player, outside the #page region; once something plays, navigation to
// other public pages is htmx-boosted (only #page is swapped), so the music keeps going.
// Streams come from /api/play/<file> as short-lived signed URLs (refreshed on expiry); the
// server decides full play or preview. Waveform seek by click and keyboard, chapters, a queue
// per album or item, lock-screen controls through the Media Session API, play counting after
// 30 s. No third-party code. Without this script every track and video is a native element.
(function () {
  'use strict';
  document.documentElement.classList.add('js');

  var COUNT_AFTER = 30;
  var PLAYER_SAFE = /^\/($|discover|search|tags(\/|$)|@|i\/|library\/?$)/;
  var player, audio, ui;
  var state = { queue: [], index: -1, grant: null, listened: 0, lastTime: 0, counted: false, peaks: null, retries: 0, boosting: false };

  function $(sel, root) { return (root || document).querySelector(sel); }
  function all(sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); }
  function csrf() {
    try { return JSON.parse(document.body.getAttribute('hx-headers') || '{}')['X-CSRF-Token'] || ''; } catch (e) { return ''; }
  }
  function clock(s) {
    s = Math.max(0, Math.floor(s || 0));
    var h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = String(s % 60).padStart(2, '0');
    return h ? h + ':' + String(m).padStart(2, '0') + ':' + sec : m + ':' + sec;
  }
  function sleep(ms) { return new Promise(function (r) { setTimeout(r, ms); }); }
  function note(text) { ui.note.textContent = text || ''; }

  // ---- the stream API ----
  function grantFor(track, playId) {
    var params = new URLSearchParams(track.q || '');
    if (playId) params.set('play', playId);
    var qs = params.toString();
    return fetch('/api/play/' + encodeURIComponent(track.file) + (qs ? '?' + qs : ''), { credentials: 'same-origin', headers: { Accept: 'application/json' } })
      .then(function (res) {
        return res.json().catch(function () { return {}; }).then(function (body) { return { status: res.status, body: body }; });
      });
  }
  async function fetchGrant(track, playId) {
    for (var tries = 0; tries < 15; tries++) {
      var r;
      try { r = await grantFor(track, playId); } catch (e) { throw new Error('We could not reach the server. Check your connection and try again.'); }
      if (r.status === 200) return r.body;
      if (r.status !== 202) throw new Error(r.body.error || 'This cannot be played right now.');
      note(r.body.error || 'Preparing the preview…');
      await sleep(1500);
    }
    throw new Error('The preview is taking longer than usual. Please try again in a minute.');
  }

  // ---- loading and playing ----
  function trackFrom(el) {
    return { file: el.getAttribute('data-file'), title: el.getAttribute('data-title') || '', artist: el.getAttribute('data-artist') || '',
      href: el.getAttribute('data-href') || '/', duration: Number(el.getAttribute('data-duration')) || 0, q: el.getAttribute('data-q') || '',
      art: el.getAttribute('data-art') || '' };
  }
  function current() { return state.queue[state.index]; }
  function length() {
    var g = state.grant;
    if (g && g.mode === 'preview') return Math.min(g.previewSeconds || 0, audio.duration || Infinity);
    return isFinite(audio.duration) && audio.duration > 0 ? audio.duration : (g && g.duration) || (current() && current().duration) || 0;
  }

  async function load(index, opts) {
    opts = opts || {};
    var track = state.queue[index];
    if (!track) return;
    state.index = index;
    state.grant = null; state.listened = 0; state.lastTime = 0; state.counted = false; state.peaks = null; state.retries = 0;
    player.hidden = false;
    document.body.classList.add('has-player');
    ui.title.textContent = track.title;
    ui.title.href = track.href;
    ui.artist.textContent = track.artist ? '· ' + track.artist : '';
    note('Loading…');
    markCurrent();
    enableBoost();
    drawWave();
    try {
      var grant = await fetchGrant(track);
      if (current() !== track) return; // another track was chosen meanwhile
      state.grant = grant;
      audio.src = grant.url;
      if (opts.seek) seekWhenReady(opts.seek);
      note(grant.mode === 'preview' ? 'Preview: the first ' + grant.previewSeconds + ' seconds' : grant.freePlaysLeft !== undefined ? grant.freePlaysLeft + ' free plays left after this one' : '');
      mediaSession(track);
      loadPeaks(track);
      await audio.play().catch(function () { /* autoplay refused: the button shows Play */ });
    } catch (err) {
      note(err.message);
      audio.removeAttribute('src');
      audio.load();
    }
    render();
  }

  function seekWhenReady(seconds) {
    if (audio.readyState >= 1) { audio.currentTime = seconds; return; }
    audio.addEventListener('loadedmetadata', function once() { audio.removeEventListener('loadedmetadata', once); audio.currentTime = seconds; });
  }

  function seek(seconds) {
    var max = length();
    if (!state.grant || !max) return;
    audio.currentTime = Math.max(0, Math.min(seconds, max - 0.25));
    state.lastTime = audio.currentTime;
    render();
  }

  async function refresh(resume) {
    var track = current();
    if (!track || !state.grant) return false;
    var at = audio.currentTime;
    try {
      var grant = await fetchGrant(track, state.grant.playId);
      state.grant = grant;
      audio.src = grant.url;
      seekWhenReady(at);
      if (resume) await audio.play().catch(function () {});
      return true;
    } catch (err) { note(err.message); return false; }
  }

  async function toggle() {
    if (!current()) return;
    if (!state.grant) return load(state.index);
    if (audio.paused) {
      // A URL about to expire is renewed before resuming, not after the next request fails.
      if (Date.parse(state.grant.expiresAt) - Date.now() < 30000) await refresh(false);
      audio.play().catch(function () {});
    } else audio.pause();
  }

  function countPlay() {
    var g = state.grant;
    if (state.counted || !g || !g.playId || g.mode !== 'full') return;
    var needed = Math.min(COUNT_AFTER, length() || COUNT_AFTER) - 0.5;
    if (state.listened < needed) return;
    state.counted = true;
    reportPlay(g.playId, state.listened);
  }

  /** A play counts after 30 s heard (the server checks that against its own clock). */
  function reportPlay(playId, listened) {
    fetch('/api/plays/' + encodeURIComponent(playId), { method: 'POST', credentials: 'same-origin', keepalive: true,
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf() }, body: JSON.stringify({ listened: listened }) }).catch(function () {});
  }

  // ---- waveform ----
  function loadPeaks(track) {
    var qs = track.q ? '?' + track.q : '';
    fetch('/play/' + encodeURIComponent(track.file) + '/peaks' + qs, { credentials: 'same-origin' })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (w) { if (current() === track && w && Array.isArray(w.peaks)) { state.peaks = w; drawWave(); } })
      .catch(function () {});
  }

  function drawWave() {
    var canvas = ui.canvas, ratio = window.devicePixelRatio || 1;
    var width = Math.max(1, Math.floor(canvas.clientWidth * ratio)), height = Math.floor(40 * ratio);
    if (canvas.width !== width) canvas.width = width;
    if (canvas.height !== height) canvas.height = height;
    var ctx = canvas.getContext('2d');
    if (!ctx) return;
    ctx.clearRect(0, 0, width, height);
    var style = getComputedStyle(player);
    var played = style.getPropertyValue('--wave-played').trim() || '#5b3cc4';
    var rest = style.getPropertyValue('--wave-rest').trim() || '#c9c3dc';
    var total = length(), at = total ? audio.currentTime / total : 0;
    var peaks = state.peaks ? state.peaks.peaks : null;
    // A preview shows the part of the waveform it covers.
    var share = state.grant && state.grant.mode === 'preview' && state.peaks ? Math.min(1, total / state.peaks.duration) : 1;
    var bar = Math.max(1, Math.floor(2 * ratio)), gap = Math.max(1, Math.floor(ratio));
    for (var x = 0; x < width; x += bar + gap) {
      var v = 0.15;
      if (peaks && peaks.length) {
        var from = Math.floor((x / width) * share * peaks.length), to = Math.max(from + 1, Math.floor(((x + bar) / width) * share * peaks.length));
        v = 0;
        for (var i = from; i < to && i < peaks.length; i++) v = Math.max(v, peaks[i]);
        v = Math.max(0.04, v);
      }
      var h = Math.max(1, v * height);
      ctx.fillStyle = x / width <= at ? played : rest;
      ctx.fillRect(x, (height - h) / 2, bar, h);
    }
  }

  function render() {
    var total = length();
    ui.time.textContent = clock(audio.currentTime);
    ui.duration.textContent = clock(total);
    var playing = !audio.paused && !audio.ended;
    ui.toggle.classList.toggle('is-playing', playing);
    ui.toggle.setAttribute('aria-label', playing ? 'Pause' : 'Play');
    ui.prev.disabled = state.index <= 0;
    ui.next.disabled = state.index >= state.queue.length - 1;
    ui.wave.setAttribute('aria-valuemax', String(Math.floor(total)));
    ui.wave.setAttribute('aria-valuenow', String(Math.floor(audio.currentTime)));
    ui.wave.setAttribute('aria-valuetext', clock(audio.currentTime) + ' of ' + clock(total));
    drawWave();
    all('[data-track]').forEach(function (el) {
      var btn = $('.track-play', el);
      var isCurrent = current() && el.getAttribute('data-file') === current().file;
      if (btn) { btn.classList.toggle('is-playing', !!(isCurrent && playing)); btn.setAttribute('aria-pressed', String(!!(isCurrent && playing))); }
    });
  }

  function markCurrent() {
    all('[data-track]').forEach(function (el) {
      el.classList.toggle('is-current', !!current() && el.getAttribute('data-file') === current().file);
    });
  }

  function mediaSession(track) {
    if (!('mediaSession' in navigator) || typeof MediaMetadata === 'undefined') return;
    navigator.mediaSession.metadata = new MediaMetadata({ title: track.title, artist: track.artist, artwork: track.art ? [{ src: track.art }] : [] });
  }
  function setupMediaSession() {
    if (!('mediaSession' in navigator)) return;
    var ms = navigator.mediaSession;
    var handlers = {
      play: function () { toggle(); }, pause: function () { audio.pause(); },
      previoustrack: function () { if (state.index > 0) load(state.index - 1); },
      nexttrack: function () { if (state.index < state.queue.length - 1) load(state.index + 1); },
      seekbackward: function (d) { seek(audio.currentTime - ((d && d.seekOffset) || 10)); },
      seekforward: function (d) { seek(audio.currentTime + ((d && d.seekOffset) || 10)); },
      seekto: function (d) { if (d && typeof d.seekTime === 'number') seek(d.seekTime); },
    };
    Object.keys(handlers).forEach(function (name) { try { ms.setActionHandler(name, handlers[name]); } catch (e) { /* not supported */ } });
  }

  // ---- page content: tracks, chapters, videos, ready downloads ----
  function playFromPage(el, seekTo) {
    var group = el.getAttribute('data-queue');
    var els = all('[data-track]').filter(function (e) { return e.getAttribute('data-queue') === group; });
    var file = el.getAttribute('data-file');
    if (current() && current().file === file && !seekTo) { toggle(); return; }
    if (current() && current().file === file && seekTo !== undefined) { seek(seekTo); if (audio.paused) toggle(); return; }
    state.queue = els.map(trackFrom);
    load(els.indexOf(el), { seek: seekTo });
  }

  // Listeners are delegated from the document: htmx's history snapshots restore markup, not
  // listeners, so anything bound to an element would be dead after Back.
  document.addEventListener('click', function (e) {
    var t = e.target.closest ? e.target : null;
    if (!t) return;
    var play = t.closest('.track-play');
    if (play) { playFromPage(play.closest('[data-track]')); return; }
    var chapter = t.closest('.chapter-seek');
    if (chapter) {
      var track = $('.item-media [data-track]');
      if (track) playFromPage(track, Number(chapter.parentNode.getAttribute('data-seek')));
      return;
    }
    var rendition = t.closest('[data-video] [data-rendition]');
    if (rendition) { e.preventDefault(); switchRendition(rendition); }
  });

  function enhance(root) {
    all('[data-track] audio.track-native', root).forEach(function (native) {
      if (!native.getAttribute('src')) return;
      native.pause(); native.removeAttribute('src'); native.load();
    });
    all('[data-chapters] [data-seek]', root).forEach(function (li) {
      if (li.querySelector('.chapter-seek')) return;
      var btn = document.createElement('button');
      btn.type = 'button';
      btn.className = 'link-button chapter-seek';
      btn.setAttribute('aria-label', 'Play from ' + li.textContent.trim());
      while (li.firstChild) btn.appendChild(li.firstChild);
      li.appendChild(btn);
    });
    all('[data-video]', root).forEach(enhanceVideo);
    all('[data-autostart-download]', root).forEach(function (a) {
      // Once per zip, not per address: after a purchase or a refund the same link builds another.
      var key = 'mnw-started:' + (a.getAttribute('data-autostart-download') || a.getAttribute('href'));
      try { if (sessionStorage.getItem(key)) return; sessionStorage.setItem(key, '1'); } catch (e) { /* private mode: start anyway */ }
      window.location.href = a.href;
    });
    markCurrent();
    render();
  }

  function switchRendition(a) {
    var fig = a.closest('[data-video]'), video = $('video', fig);
    if (!video) return;
    var at = video.currentTime, paused = video.paused;
    fig.setAttribute('data-rendition-now', a.getAttribute('data-rendition'));
    video.src = a.getAttribute('href');
    video.addEventListener('loadedmetadata', function once() { video.removeEventListener('loadedmetadata', once); video.currentTime = at; if (!paused) video.play().catch(function () {}); });
    all('[data-rendition]', fig).forEach(function (x) { x.setAttribute('aria-current', String(x === a)); });
  }

  var enhancedVideos = typeof WeakSet === 'function' ? new WeakSet() : null;
  function enhanceVideo(fig) {
    var video = $('video', fig);
    if (!video || !enhancedVideos || enhancedVideos.has(video)) return;
    enhancedVideos.add(video);
    var file = fig.getAttribute('data-file'), q = fig.getAttribute('data-q') || '';
    var msg = $('.video-note', fig);
    if (!msg) {
      msg = document.createElement('p');
      msg.className = 'video-note muted';
      msg.setAttribute('role', 'status');
      fig.appendChild(msg);
    }
    var play = { id: null, listened: 0, last: 0, counted: false };
    video.addEventListener('playing', function () {
      msg.textContent = '';
      if (play.id !== null) return;
      play.id = '';
      // The /play/ redirect started this play; the API returns the same play's id for counting.
      var rendition = fig.getAttribute('data-rendition-now') || (($('[data-rendition]', fig) || { getAttribute: function () { return ''; } }).getAttribute('data-rendition'));
      grantFor({ file: file, q: q + (rendition ? (q ? '&' : '') + 'r=' + rendition : '') }).then(function (r) {
        if (r.status === 200) { play.id = r.body.playId || ''; if (r.body.mode === 'preview') msg.textContent = 'Preview: the first ' + r.body.previewSeconds + ' seconds. Buy it to watch it all.'; }
      }).catch(function () {});
    });
    video.addEventListener('timeupdate', function () {
      var d = video.currentTime - play.last;
      if (d > 0 && d < 1.5) play.listened += d;
      play.last = video.currentTime;
      if (!play.counted && play.id && play.listened >= Math.min(COUNT_AFTER, video.duration || COUNT_AFTER) - 0.5) {
        play.counted = true;
        reportPlay(play.id, play.listened);
      }
    });
    video.addEventListener('error', function () {
      grantFor({ file: file, q: q }).then(function (r) {
        msg.textContent = r.status === 200 ? 'The video stopped loading. Press play to try again.' : (r.body.error || 'This video cannot be played right now.');
      }).catch(function () { msg.textContent = 'We could not reach the server. Check your connection.'; });
    });
  }

  // ---- navigation that keeps the player: htmx boost of public pages, only while playing ----
  function enableBoost() {
    if (state.boosting || !window.htmx) return;
    state.boosting = true;
    var b = document.body;
    b.setAttribute('hx-boost', 'true');
    b.setAttribute('hx-target', '#page');
    b.setAttribute('hx-select', '#page');
    b.setAttribute('hx-swap', 'outerHTML show:window:top');
    window.htmx.process(b);
  }
  function boostable(url) {
    return url.origin === location.origin && PLAYER_SAFE.test(url.pathname);
  }
  // Runs before htmx's own handlers: anything that must not be swapped in (dashboards, forms that
  // post, downloads, other sites) goes through as a normal navigation.
  document.addEventListener('click', function (e) {
    if (!state.boosting) return;
    var a = e.target.closest && e.target.closest('a[href]');
    // hx-boost="false" links are never boosted by htmx, and may have handlers of ours (renditions).
    if (!a || a.hasAttribute('hx-get') || a.hasAttribute('hx-post') || a.getAttribute('hx-boost') === 'false') return;
    var url = new URL(a.href, location.href);
    if (!boostable(url) || a.target || a.hasAttribute('download')) e.stopImmediatePropagation();
  }, true);
  document.addEventListener('submit', function (e) {
    if (!state.boosting) return;
    var f = e.target;
    if (f.hasAttribute('hx-get') || f.hasAttribute('hx-post')) return;
    if ((f.getAttribute('method') || 'get').toLowerCase() !== 'get' || !boostable(new URL(f.action, location.href))) e.stopImmediatePropagation();
  }, true);

  function init() {
    player = document.getElementById('player');
    if (!player) return;
    audio = $('#player-audio', player);
    ui = {
      toggle: $('[data-action="toggle"]', player), prev: $('[data-action="prev"]', player), next: $('[data-action="next"]', player),
      close: $('[data-action="close"]', player), title: $('.player-title', player), artist: $('.player-artist', player),
      note: $('.player-note', player), wave: $('.player-wave', player), canvas: $('.player-canvas', player),
      time: $('[data-time]', player), duration: $('[data-duration]', player),
    };
    ui.toggle.addEventListener('click', toggle);
    ui.prev.addEventListener('click', function () { if (audio.currentTime > 3) seek(0); else if (state.index > 0) load(state.index - 1); });
    ui.next.addEventListener('click', function () { if (state.index < state.queue.length - 1) load(state.index + 1); });
    ui.close.addEventListener('click', function () {
      audio.pause(); audio.removeAttribute('src'); audio.load();
      state.queue = []; state.index = -1; state.grant = null; state.boosting = false;
      player.hidden = true; document.body.classList.remove('has-player'); markCurrent(); render();
    });
    ui.wave.addEventListener('click', function (e) {
      var rect = ui.wave.getBoundingClientRect();
      seek(((e.clientX - rect.left) / rect.width) * length());
    });
    ui.wave.addEventListener('keydown', function (e) {
      var step = { ArrowRight: 5, ArrowUp: 5, ArrowLeft: -5, ArrowDown: -5, PageUp: 30, PageDown: -30 }[e.key];
      if (step) seek(audio.currentTime + step);
      else if (e.key === 'Home') seek(0);
      else if (e.key === 'End') seek(length() - 1);
      else if (e.key === ' ' || e.key === 'Enter') toggle();
      else return;
      e.preventDefault();
    });
    audio.addEventListener('timeupdate', function () {
      var d = audio.currentTime - state.lastTime;
      if (d > 0 && d < 1.5) state.listened += d; // seeks and stalls are not listening
      state.lastTime = audio.currentTime;
      countPlay();
      if (state.grant && state.grant.mode === 'preview' && audio.currentTime >= length() - 0.05 && length() > 0) audio.pause();
      render();
      if ('mediaSession' in navigator && navigator.mediaSession.setPositionState && isFinite(audio.duration)) {
        try { navigator.mediaSession.setPositionState({ duration: length(), position: Math.min(audio.currentTime, length()), playbackRate: audio.playbackRate }); } catch (e) { /* ignore */ }
      }
    });
    ['play', 'pause', 'loadedmetadata'].forEach(function (ev) { audio.addEventListener(ev, render); });
    audio.addEventListener('ended', function () { countPlay(); if (state.index < state.queue.length - 1) load(state.index + 1); else render(); });
    audio.addEventListener('error', async function () {
      if (!state.grant || !audio.getAttribute('src')) return;
      // Most often an expired URL (or storage briefly away): ask for a fresh one, twice at most.
      if (state.retries++ < 2 && await refresh(true)) return;
      try { await fetchGrant(current(), state.grant.playId); note('Playback stopped. Press play to try again.'); } catch (err) { note(err.message); }
      render();
    });
    window.addEventListener('resize', drawWave);
    setupMediaSession();
    if (window.htmx) window.htmx.onLoad(enhance); else enhance(document);
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init); else init();
})();
