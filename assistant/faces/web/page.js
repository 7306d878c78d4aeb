// Runs before textual.js connects (textual.js waits for window.onload).
(function () {
  // Point the terminal at this server's own websocket, whatever name or port the browser used.
  var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
  document.getElementById("terminal").dataset.sessionWebsocketUrl = scheme + window.location.host + "/ws";

  // textual.js offers a file (the export, F7) by opening its single-use address in a new window,
  // which pop-up blockers stop when it does not follow a click. A link to the same address,
  // marked as a download, is not a pop-up: use that for this server's downloads.
  var open = window.open;
  window.open = function (url, target, features) {
    var address = new URL(url, window.location.href);
    if (address.origin === window.location.origin && address.pathname.indexOf("/download/") === 0) {
      var link = document.createElement("a");
      link.href = address.href;
      link.download = "";
      document.body.appendChild(link);
      link.click();
      link.remove();
      return null;
    }
    return open.call(window, url, target, features);
  };

  document.getElementById("restart").addEventListener("click", function () {
    window.location.reload();
  });
})();
