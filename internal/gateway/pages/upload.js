// The upload page: for each file, ask the gateway for a ticket (it
// applies the link's rules), send the file where the ticket says with a
// progress bar — in one PUT, or part by part, a few parts at a time, each
// tried again when it fails — and tell the gateway it was sent (it checks
// the store). A file can be cancelled while it goes: the gateway aborts
// its upload and gives its place back.
(function () {
  "use strict";
  var root = document.getElementById("upload");
  var id = root.getAttribute("data-id");
  var input = document.getElementById("files");
  var drop = document.getElementById("drop");
  var list = document.getElementById("list");
  var password = document.getElementById("password");
  var PARALLEL = 4, TRIES = 4;

  function row(file) {
    var li = document.createElement("li");
    var name = document.createElement("div");
    name.className = "name";
    name.textContent = file.name;
    var bar = document.createElement("progress");
    bar.max = 1;
    bar.value = 0;
    var status = document.createElement("div");
    status.className = "status";
    status.textContent = "waiting";
    var cancel = document.createElement("button");
    cancel.type = "button";
    cancel.className = "cancel";
    cancel.textContent = "Cancel";
    cancel.hidden = true;
    li.appendChild(name);
    li.appendChild(bar);
    li.appendChild(status);
    li.appendChild(cancel);
    list.appendChild(li);
    return { li: li, bar: bar, status: status, cancel: cancel };
  }

  function refused(r, msg) {
    r.li.className = "refused";
    r.bar.hidden = true;
    r.cancel.hidden = true;
    r.status.textContent = msg;
  }

  function call(url, body, done) {
    var x = new XMLHttpRequest();
    x.open("POST", url);
    x.setRequestHeader("Content-Type", "application/json");
    x.onload = function () {
      var out = {};
      try { out = JSON.parse(x.responseText); } catch (e) {}
      done(x.status, out);
    };
    x.onerror = function () { done(0, { error: "the gateway could not be reached" }); };
    x.send(JSON.stringify(body));
    return x;
  }

  // put sends blob; progress(loaded) as it goes; done(error or "").
  function put(method, url, headers, blob, progress, done) {
    var x = new XMLHttpRequest();
    x.open(method, url);
    for (var h in headers) {
      if (h.toLowerCase() !== "content-length") {
        x.setRequestHeader(h, headers[h]);
      }
    }
    x.upload.onprogress = function (e) { progress(e.loaded); };
    x.onload = function () {
      if (x.status >= 200 && x.status < 300) {
        done("");
        return;
      }
      var msg = "";
      try { msg = JSON.parse(x.responseText).error; } catch (e) {}
      done(msg || "the upload failed (HTTP " + x.status + ")", x.status);
    };
    x.onerror = function () { done("the upload failed: the connection broke, or the store does not let this page send to it (its CORS rules)", 0); };
    x.send(blob);
    return x;
  }

  function send(file) {
    var r = row(file);
    var ask = { name: file.name, size: file.size, type: file.type, password: password ? password.value : "" };
    var live = [];        // requests under way
    var over = false;     // cancelled or failed
    var t = null;

    function stop(msg, cancelled) {
      if (over) {
        return;
      }
      over = true;
      for (var i = 0; i < live.length; i++) {
        live[i].abort();
      }
      refused(r, msg);
      if (t) {
        // Give the file up: its parts go, its place comes back.
        call(id + "/files/" + t.id + "/cancel", {}, function (status, out) {
          if (status === 409 && cancelled) {
            r.li.className = "done";
            r.status.textContent = "received before it could be cancelled";
          }
        });
      }
    }
    r.cancel.onclick = function () { stop("cancelled", true); };

    function finish() {
      r.bar.value = 1;
      r.status.textContent = "checking";
      live.push(call(id + "/files/" + t.id + "/done", {}, function (status, d) {
        if (over) {
          return;
        }
        if (status !== 200) {
          stop(d.error || "not confirmed (HTTP " + status + ")");
          return;
        }
        over = true;
        r.li.className = "done";
        r.cancel.hidden = true;
        r.status.textContent = "received";
      }));
    }

    call(id + "/files", ask, function (status, ticket) {
      if (status !== 201) {
        refused(r, ticket.error || "refused (HTTP " + status + ")");
        return;
      }
      t = ticket;
      r.status.textContent = "sending";
      r.cancel.hidden = false;
      if (!t.parts) {
        live.push(put(t.method, t.url, t.headers, file, function (n) { r.bar.value = n / Math.max(file.size, 1); }, function (err) {
          if (over) {
            return;
          }
          if (err) {
            stop(err);
            return;
          }
          finish();
        }));
        return;
      }
      sendParts();
    });

    function sendParts() {
      var next = 1, sent = 0, loaded = {};
      function progress() {
        var n = 0;
        for (var k in loaded) {
          n += loaded[k];
        }
        r.bar.value = n / file.size;
      }
      function part(n, tries) {
        if (over) {
          return;
        }
        live.push(call(id + "/files/" + t.id + "/parts/" + n, {}, function (status, pt) {
          if (over) {
            return;
          }
          if (status !== 200) {
            if (status === 0 && tries < TRIES) {
              setTimeout(function () { part(n, tries + 1); }, 1000 * tries);
              return;
            }
            stop(pt.error || "part " + n + " was refused (HTTP " + status + ")");
            return;
          }
          var from = (n - 1) * t.part_size;
          var blob = file.slice(from, from + pt.size);
          live.push(put(pt.method, pt.url, pt.headers, blob, function (b) { loaded[n] = b; progress(); }, function (err, code) {
            if (over) {
              return;
            }
            if (err) {
              loaded[n] = 0;
              if (tries < TRIES && (code === 0 || code >= 500)) {
                setTimeout(function () { part(n, tries + 1); }, 1000 * tries);
                return;
              }
              stop(err);
              return;
            }
            loaded[n] = pt.size;
            progress();
            sent++;
            if (sent === t.parts) {
              finish();
            } else if (next <= t.parts) {
              part(next++, 1);
            }
          }));
        }));
      }
      for (var i = 0; i < PARALLEL && next <= t.parts; i++) {
        part(next++, 1);
      }
    }
  }

  function sendAll(files) {
    for (var i = 0; i < files.length; i++) {
      send(files[i]);
    }
  }

  input.addEventListener("change", function () {
    sendAll(input.files);
    input.value = "";
  });
  drop.addEventListener("dragover", function (e) {
    e.preventDefault();
    drop.className = "drop over";
  });
  drop.addEventListener("dragleave", function () { drop.className = "drop"; });
  drop.addEventListener("drop", function (e) {
    e.preventDefault();
    drop.className = "drop";
    sendAll(e.dataTransfer.files);
  });
})();
