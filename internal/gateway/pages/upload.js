// The upload page: for each file, ask the gateway for an upload URL (it
// applies the link's rules), send the file there with a progress bar, and
// tell the gateway it was sent (it checks the store).
(function () {
  "use strict";
  var root = document.getElementById("upload");
  var id = root.getAttribute("data-id");
  var input = document.getElementById("files");
  var drop = document.getElementById("drop");
  var list = document.getElementById("list");
  var password = document.getElementById("password");

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
    li.appendChild(name);
    li.appendChild(bar);
    li.appendChild(status);
    list.appendChild(li);
    return { li: li, bar: bar, status: status };
  }

  function refused(r, msg) {
    r.li.className = "refused";
    r.bar.hidden = true;
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
  }

  function send(file) {
    var r = row(file);
    var ask = { name: file.name, size: file.size, type: file.type, password: password ? password.value : "" };
    call(id + "/files", ask, function (status, t) {
      if (status !== 201) {
        refused(r, t.error || "refused (HTTP " + status + ")");
        return;
      }
      r.status.textContent = "sending";
      var x = new XMLHttpRequest();
      x.open(t.method, t.url);
      for (var h in t.headers) {
        x.setRequestHeader(h, t.headers[h]);
      }
      x.upload.onprogress = function (e) {
        if (e.lengthComputable) {
          r.bar.value = e.loaded / e.total;
        }
      };
      x.onload = function () {
        if (x.status < 200 || x.status >= 300) {
          var msg = "";
          try { msg = JSON.parse(x.responseText).error; } catch (e) {}
          refused(r, msg || "the upload failed (HTTP " + x.status + ")");
          return;
        }
        r.bar.value = 1;
        r.status.textContent = "checking";
        call(id + "/files/" + t.id + "/done", {}, function (status, d) {
          if (status !== 200) {
            refused(r, d.error || "not confirmed (HTTP " + status + ")");
            return;
          }
          r.li.className = "done";
          r.status.textContent = "received";
        });
      };
      x.onerror = function () { refused(r, "the upload failed: the connection broke, or the store does not let this page send to it (its CORS rules)"); };
      x.send(file);
    });
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
