// Evidence upload: several files at once, by choosing or dropping them, each sent to the API
// (POST /api/v1/evidence, multipart, with the incident and the session's CSRF token) with its
// own progress bar. The page reloads when every file is done, to show the new thumbnails.
"use strict";
(() => {
  const box = document.querySelector(".upload[data-incident]");
  if (!box) return;
  const input = document.getElementById("files");
  const zone = document.getElementById("dropzone");
  const list = document.getElementById("upload-progress");
  const csrf = document.querySelector("meta[name='csrf-token']")?.content ?? "";
  const incident = box.dataset.incident;

  const send = (file) => new Promise((resolve) => {
    const item = document.createElement("li");
    const label = document.createElement("span");
    label.textContent = file.name;
    const bar = document.createElement("progress");
    bar.max = 100;
    bar.value = 0;
    bar.setAttribute("aria-label", `${list.dataset.progressLabel} ${file.name}`);
    const state = document.createElement("span");
    state.className = "state";
    item.append(label, " ", bar, " ", state);
    list.append(item);

    const form = new FormData();
    form.append("incident_id", incident);
    form.append("file", file, file.name);
    const xhr = new XMLHttpRequest();
    xhr.open("POST", "/api/v1/evidence");
    xhr.setRequestHeader("X-CSRF-Token", csrf);
    xhr.upload.addEventListener("progress", (e) => {
      if (e.lengthComputable) bar.value = Math.round((e.loaded / e.total) * 100);
    });
    xhr.addEventListener("load", () => {
      const ok = xhr.status === 201;
      bar.value = ok ? 100 : bar.value;
      state.textContent = ok ? list.dataset.done : `${list.dataset.failed} (${xhr.status})`;
      item.className = ok ? "done" : "failed";
      resolve(ok);
    });
    xhr.addEventListener("error", () => {
      state.textContent = list.dataset.failed;
      item.className = "failed";
      resolve(false);
    });
    xhr.send(form);
  });

  const upload = async (files) => {
    const results = await Promise.all(Array.from(files).map(send));
    if (results.every(Boolean)) window.location.reload();
  };

  input.addEventListener("change", () => {
    if (input.files.length) upload(input.files);
  });
  zone.addEventListener("dragover", (e) => {
    e.preventDefault();
    zone.classList.add("over");
  });
  zone.addEventListener("dragleave", () => zone.classList.remove("over"));
  zone.addEventListener("drop", (e) => {
    e.preventDefault();
    zone.classList.remove("over");
    if (e.dataTransfer?.files.length) upload(e.dataTransfer.files);
  });
})();
