/* The organization page's Share button (templates/directory/includes/phone_bar.html).
   Without script, or where the browser has no share sheet, it is a link to the page's share
   section (#share: SMS, e-mail and the address to copy). With navigator.share (phones), it opens
   the device's share sheet with the page's name and address. */
(function () {
  "use strict";
  var copy = document.getElementById("share-url");
  if (copy) {
    copy.addEventListener("focus", function () { copy.select(); });
  }
  if (typeof navigator.share !== "function") {
    return;
  }
  document.querySelectorAll("a[data-share-url]").forEach(function (link) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      navigator.share({ title: link.dataset.shareTitle, url: link.dataset.shareUrl }).catch(function (error) {
        if (!error || error.name !== "AbortError") {
          window.location.hash = "share"; // the share sheet failed: the section offers the rest
        }
      });
    });
  });
})();
