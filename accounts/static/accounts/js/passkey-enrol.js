// After django-otp-webauthn registers a passkey, go on to the page the button names
// (the recovery codes at enrolment, the security page afterwards).
document.addEventListener("otp_webauthn.register_complete", (event) => {
  const button = event.target.closest("[data-done-url]");
  if (button) {
    window.location.assign(button.dataset.doneUrl);
  }
});
