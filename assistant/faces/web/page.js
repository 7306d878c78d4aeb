// Runs before textual.js connects (textual.js waits for window.onload): point the terminal at this
// server's own websocket, whatever name or port the browser used to reach it.
(function () {
  var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
  document.getElementById("terminal").dataset.sessionWebsocketUrl = scheme + window.location.host + "/ws";
  document.getElementById("restart").addEventListener("click", function () {
    window.location.reload();
  });
})();
