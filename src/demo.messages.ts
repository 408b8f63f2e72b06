/** User-facing strings of the demo app (the library's are in libs/perform-chat/src/perform-chat.messages.ts). */
export const DemoMessages = Object.freeze({
  crossSite: 'Cross-site requests are refused',
  notJson: 'Send content-type: application/json and a JSON body',
  username: 'username must be 1 to 32 letters, digits, ".", "_" or "-"',
  notLoggedIn: 'Not logged in',
});
