// The uploader: drag and drop or pick files (or a whole folder); each file goes up in parts
// straight to storage through short-lived signed URLs, with a progress bar that never goes
// backwards, retries with backoff, resume after a reload (the upload id is remembered in
// localStorage; choose the same file again), and cancel. Progressive enhancement: without
// this script the page keeps its plain one-request form.
//
// What the files are for comes from the root element: data-target="item" (an item's files,
// data-item-id), "track" (an album: one new audio item per file in data-project-id, ordered
// after data-album-base), or one image: "item_cover", "project_cover", "avatar" (data-single).
(function () {
  'use strict';
  var STORE_KEY = 'mnw-uploads';
  var PARALLEL_PARTS = 3;
  var PARALLEL_FILES = 2;
  var MAX_TRIES = 6;

  function csrf() {
    try { return JSON.parse(document.body.getAttribute('hx-headers') || '{}')['X-CSRF-Token'] || ''; } catch (e) { return ''; }
  }
  function remembered() {
    try { return JSON.parse(localStorage.getItem(STORE_KEY) || '{}'); } catch (e) { return {}; }
  }
  function remember(id, entry) {
    var all = remembered();
    if (entry) all[id] = entry; else delete all[id];
    try { localStorage.setItem(STORE_KEY, JSON.stringify(all)); } catch (e) { /* private mode: no resume */ }
  }
  function fingerprint(file) { return file.name + '|' + file.size + '|' + file.lastModified; }
  function sleep(ms) { return new Promise(function (r) { setTimeout(r, ms); }); }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text) e.textContent = text;
    return e;
  }

  function api(method, path, body) {
    return fetch(path, {
      method: method, credentials: 'same-origin',
      headers: Object.assign({ 'X-CSRF-Token': csrf(), Accept: 'application/json' }, body ? { 'Content-Type': 'application/json' } : {}),
      body: body ? JSON.stringify(body) : undefined,
    }).then(function (res) {
      return res.json().catch(function () { return {}; }).then(function (json) {
        if (!res.ok) { var err = new Error(json.error || ('The server answered ' + res.status + '.')); err.status = res.status; throw err; }
        return json;
      });
    });
  }

  /** One PUT of one part, reporting bytes sent; resolves with the ETag storage returned. */
  function putPart(url, blob, onProgress, task) {
    return new Promise(function (resolve, reject) {
      var xhr = new XMLHttpRequest();
      task.xhrs.add(xhr);
      xhr.open('PUT', url);
      xhr.upload.onprogress = function (e) { onProgress(e.loaded); };
      xhr.onload = function () {
        task.xhrs.delete(xhr);
        if (xhr.status >= 200 && xhr.status < 300) resolve(xhr.getResponseHeader('ETag') || '');
        else { var err = new Error(partFailure(xhr)); err.status = xhr.status; reject(err); }
      };
      xhr.onerror = xhr.ontimeout = function () { task.xhrs.delete(xhr); var err = new Error('The connection dropped.'); err.status = 0; reject(err); };
      xhr.onabort = function () { task.xhrs.delete(xhr); reject(new Error('cancelled')); };
      xhr.send(blob);
    });
  }

  /**
   * Why storage refused a part, for people: our own storage route answers in plain text (507 when
   * its disk is full); an S3 store answers in XML meant for programs, so only its status is used.
   */
  function partFailure(xhr) {
    var text = /^text\/plain/.test(xhr.getResponseHeader('Content-Type') || '') ? (xhr.responseText || '').trim() : '';
    if (text && text.length <= 500) return text;
    if (xhr.status === 507) return "The server's file storage is full. The parts already sent are kept: try again later to continue.";
    if (xhr.status >= 500) return 'Storage could not save a part (it answered ' + xhr.status + '); it may be full or briefly unavailable. The parts already sent are kept: try again in a few minutes.';
    return 'Storage answered ' + xhr.status + '.';
  }

  var AUDIO_EXT = /\.(mp3|wav|wave|flac|ogg|oga|opus|m4a|aac|aif|aiff|aifc|alac|wma)$/i;

  function Uploader(root) {
    this.root = root;
    this.target = root.getAttribute('data-target') || 'item';
    this.itemId = root.getAttribute('data-item-id');
    this.projectId = root.getAttribute('data-project-id');
    this.albumBase = Number(root.getAttribute('data-album-base') || 0);
    this.accept = root.getAttribute('data-accept') || '';
    this.single = root.hasAttribute('data-single');
    // Which page's uploads a remembered (interrupted) one belongs to.
    this.scope = this.target + ':' + (this.itemId || this.projectId || 'me');
    this.queue = [];
    this.running = 0;
    // Removed, not hidden: htmx settles attributes of same-id elements when a fragment around
    // it is swapped, and a hidden copy of the form would only get in the way.
    var fallback = root.querySelector('.uploader-fallback');
    if (fallback) fallback.remove();
    this.render();
    this.showInterrupted();
  }

  Uploader.prototype.render = function () {
    var self = this;
    var zone = el('div', 'uploader-drop');
    zone.setAttribute('role', 'group');
    zone.setAttribute('aria-label', 'Add files');
    var suffix = this.target === 'item' ? '' : '-' + this.target;
    var track = this.target === 'track';
    zone.appendChild(el('p', null, this.single ? 'Drop an image here, or' : track ? 'Drop an album folder or audio files here, or' : 'Drop files or a folder here, or'));
    var files = el('input'); files.type = 'file'; files.multiple = !this.single; files.id = 'uploader-files' + suffix; files.className = 'visually-hidden';
    if (this.accept) files.accept = this.accept;
    var pick = el('label', 'button button-secondary', this.single ? 'Choose an image' : track ? 'Choose audio files' : 'Choose files'); pick.htmlFor = files.id;
    [files, pick].forEach(function (n) { zone.appendChild(n); });
    if (!this.single) {
      var folder = el('input'); folder.type = 'file'; folder.multiple = true; folder.setAttribute('webkitdirectory', ''); folder.id = 'uploader-folder' + suffix; folder.className = 'visually-hidden';
      var pickFolder = el('label', 'button button-secondary', track ? 'Choose an album folder' : 'Choose a folder'); pickFolder.htmlFor = folder.id;
      [folder, pickFolder].forEach(function (n) { zone.appendChild(n); });
      folder.addEventListener('change', function () { self.add(Array.prototype.slice.call(folder.files)); folder.value = ''; });
    }
    files.addEventListener('change', function () { self.add(Array.prototype.slice.call(files.files)); files.value = ''; });
    zone.addEventListener('dragover', function (e) { e.preventDefault(); zone.classList.add('uploader-over'); });
    zone.addEventListener('dragleave', function () { zone.classList.remove('uploader-over'); });
    zone.addEventListener('drop', function (e) {
      e.preventDefault();
      zone.classList.remove('uploader-over');
      collectDropped(e.dataTransfer).then(function (list) { self.add(list); });
    });
    this.list = el('ul', 'upload-list');
    this.list.setAttribute('aria-live', 'polite');
    this.root.appendChild(zone);
    this.root.appendChild(this.list);
  };

  Uploader.prototype.showInterrupted = function () {
    var all = remembered();
    this.interrupted = {};
    for (var id in all) {
      if ((all[id].scope || 'item:' + all[id].itemId) !== this.scope) continue;
      var row = this.row(all[id].name);
      row.status.textContent = 'Interrupted. Choose the same file again to continue where it stopped.';
      row.progress.value = all[id].percent || 0;
      this.interrupted[all[id].fp] = { id: id, row: row };
    }
  };

  Uploader.prototype.row = function (name) {
    var li = el('li', 'upload');
    var title = el('span', 'upload-name'); title.appendChild(el('bdi', null, name));
    var progress = el('progress'); progress.max = 100; progress.value = 0; progress.setAttribute('aria-label', 'Progress of ' + name);
    var status = el('span', 'upload-status', 'Waiting…');
    var cancel = el('button', 'link-button upload-cancel', 'Cancel'); cancel.type = 'button';
    [title, progress, status, cancel].forEach(function (n) { li.appendChild(n); });
    this.list.appendChild(li);
    return { li: li, progress: progress, status: status, cancel: cancel };
  };

  Uploader.prototype.add = function (files) {
    var self = this;
    files = files.filter(function (f) { return f.name.charAt(0) !== '.'; });
    if (this.target === 'track') {
      // An album folder holds more than audio (cover.jpg, a playlist…): only audio becomes tracks.
      var skipped = files.filter(function (f) { return !(/^audio\//.test(f.type) || AUDIO_EXT.test(f.name)); });
      files = files.filter(function (f) { return skipped.indexOf(f) < 0; });
      files.sort(function (a, b) { return (a.webkitRelativePath || a.name).localeCompare(b.webkitRelativePath || b.name, undefined, { numeric: true }); });
      if (skipped.length) {
        var note = el('li', 'upload upload-note', 'Skipped ' + skipped.length + (skipped.length === 1 ? ' file that is' : ' files that are') + ' not audio: ' +
          skipped.map(function (f) { return f.name; }).slice(0, 5).join(', ') + (skipped.length > 5 ? '…' : '') + '.');
        this.list.appendChild(note);
      }
    }
    if (this.single) files = files.slice(0, 1);
    files.forEach(function (file) {
      var prior = self.interrupted[fingerprint(file)];
      var row = prior ? prior.row : self.row(file.name);
      if (prior) delete self.interrupted[fingerprint(file)];
      var task = { file: file, row: row, id: prior ? prior.id : null, shown: row.progress.value, cancelled: false, xhrs: new Set() };
      row.cancel.onclick = function () { self.cancel(task); };
      self.queue.push(task);
    });
    this.pump();
  };

  Uploader.prototype.pump = function () {
    var self = this;
    while (this.running < PARALLEL_FILES && this.queue.length) {
      var task = this.queue.shift();
      this.running++;
      this.upload(task).catch(function () { /* shown on the row */ }).then(function () { self.running--; self.pump(); });
    }
  };

  Uploader.prototype.setProgress = function (task, percent) {
    // Never backwards: a retried part restarts its own count, not the bar.
    task.shown = Math.max(task.shown, Math.min(100, percent));
    task.row.progress.value = task.shown;
    task.row.status.textContent = task.shown < 100 ? Math.floor(task.shown) + '%' : 'Finishing…';
  };

  Uploader.prototype.upload = async function (task) {
    var self = this;
    var file = task.file;
    try {
      var session = null;
      if (task.id) session = await api('GET', '/api/uploads/' + task.id).catch(function () { return null; });
      if (!session || session.state !== 'uploading' || session.size !== file.size) {
        var started = await api('POST', '/api/uploads', {
          fileName: file.name, size: file.size, type: file.type, target: this.target,
          itemId: this.itemId || undefined, projectId: this.projectId || undefined, albumBase: this.target === 'track' ? this.albumBase : undefined,
        });
        task.id = started.id;
        session = { partSize: started.partSize, partCount: started.partCount, parts: [] };
      }
      remember(task.id, { scope: this.scope, name: file.name, fp: fingerprint(file), percent: task.shown });
      var done = {}; var doneBytes = 0; var etags = {};
      session.parts.forEach(function (p) { done[p.partNumber] = true; doneBytes += p.size; etags[p.partNumber] = p.etag; });
      var inflight = {};
      var failed = false;
      var report = function () {
        if (failed) return; // parts still in flight after a refusal finish quietly: the row says why it stopped
        var sum = doneBytes; for (var n in inflight) sum += inflight[n];
        self.setProgress(task, file.size ? (sum / file.size) * 100 : 100);
      };
      report();
      var todo = [];
      for (var n = 1; n <= session.partCount; n++) if (!done[n]) todo.push(n);
      var urls = {};
      var fetchUrls = async function (numbers) {
        var got = await api('POST', '/api/uploads/' + task.id + '/part-urls', { partNumbers: numbers });
        got.parts.forEach(function (p) { urls[p.partNumber] = p.url; });
      };
      var worker = async function () {
        while (todo.length && !failed) {
          if (task.cancelled) throw new Error('cancelled');
          var part = todo.shift();
          var start = (part - 1) * session.partSize;
          var blob = file.slice(start, Math.min(start + session.partSize, file.size));
          for (var attempt = 1; ; attempt++) {
            try {
              if (!urls[part]) await fetchUrls([part].concat(todo.slice(0, 19)));
              etags[part] = await putPart(urls[part], blob, function (loaded) { inflight[part] = loaded; report(); }, task);
              break;
            } catch (err) {
              inflight[part] = 0;
              if (task.cancelled) throw new Error('cancelled');
              if (err.status === 403) delete urls[part]; // expired URL: ask for a fresh one
              // 507: storage is full, and stays so for longer than a few seconds of backoff: the
              // creator is told at once and presses Try again later (the parts sent are kept).
              var retryable = !err.status || err.status === 403 || err.status === 408 || err.status === 429 || (err.status >= 500 && err.status !== 507);
              if (!retryable || attempt >= MAX_TRIES || failed) {
                failed = true; // the other parts stop too: Try again resumes from what storage holds
                throw err;
              }
              task.row.status.textContent = 'Connection trouble; trying again (' + attempt + ')…';
              await sleep(Math.min(30000, 1000 * Math.pow(2, attempt - 1)) * (0.75 + Math.random() / 2));
            }
          }
          delete inflight[part];
          doneBytes += blob.size;
          report();
          remember(task.id, { scope: self.scope, name: file.name, fp: fingerprint(file), percent: task.shown });
        }
      };
      var workers = [];
      for (var w = 0; w < PARALLEL_PARTS; w++) workers.push(worker());
      await Promise.all(workers);
      // The server checks the parts with storage itself; the ETags matter only to stores
      // that cannot list parts.
      var parts = [];
      for (var k = 1; k <= session.partCount; k++) parts.push({ partNumber: k, etag: etags[k] || '' });
      await api('POST', '/api/uploads/' + task.id + '/complete', { parts: parts });
      remember(task.id, null);
      this.setProgress(task, 100);
      task.row.status.textContent = 'Uploaded — processing…';
      task.row.li.classList.add('upload-done');
      task.row.cancel.remove();
      document.body.dispatchEvent(new CustomEvent('media-changed', { bubbles: true }));
    } catch (err) {
      if (task.cancelled) return;
      task.row.li.classList.add('upload-failed');
      task.row.status.textContent = 'Failed: ' + err.message;
      var retry = el('button', 'link-button', 'Try again'); retry.type = 'button';
      retry.onclick = function () { retry.remove(); task.row.li.classList.remove('upload-failed'); self.queue.push(task); self.pump(); };
      task.row.li.appendChild(retry);
      throw err;
    }
  };

  Uploader.prototype.cancel = function (task) {
    task.cancelled = true;
    task.xhrs.forEach(function (x) { x.abort(); });
    this.queue = this.queue.filter(function (t) { return t !== task; });
    task.row.status.textContent = 'Cancelled.';
    task.row.cancel.remove();
    if (task.id) {
      remember(task.id, null);
      api('DELETE', '/api/uploads/' + task.id).catch(function () { /* the cleanup job removes it later */ });
    }
  };

  /** Files from a drop, walking into dropped folders (an album) where the browser allows it. */
  function collectDropped(dt) {
    var items = dt.items ? Array.prototype.slice.call(dt.items) : [];
    var entries = items.map(function (i) { return i.webkitGetAsEntry ? i.webkitGetAsEntry() : null; });
    if (!entries.length || entries.some(function (e) { return !e; })) return Promise.resolve(Array.prototype.slice.call(dt.files));
    var out = [];
    function walk(entry) {
      if (entry.isFile) return new Promise(function (r) { entry.file(function (f) { out.push(f); r(); }, function () { r(); }); });
      var reader = entry.createReader();
      return new Promise(function (resolve) {
        var all = [];
        (function more() {
          reader.readEntries(function (batch) {
            if (!batch.length) { Promise.all(all.map(walk)).then(resolve); return; }
            all = all.concat(Array.prototype.slice.call(batch)); more();
          }, function () { resolve(); });
        })();
      });
    }
    return Promise.all(entries.map(walk)).then(function () { return out; });
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll('[data-uploader]:not([data-uploader-ready])'), function (root) {
      root.setAttribute('data-uploader-ready', '');
      new Uploader(root);
    });
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init); else init();
  // The wizard swaps its region with htmx; a swapped-in Files section gets an uploader too.
  document.addEventListener('htmx:afterSettle', init);
})();
