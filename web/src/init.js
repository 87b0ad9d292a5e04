// Runs first in <body>: tells GOV.UK Frontend's styles that JavaScript is available. A file
// rather than the usual inline snippet, because the Content-Security-Policy forbids inline scripts.
document.body.className += ' js-enabled' + ('noModule' in HTMLScriptElement.prototype ? ' govuk-frontend-supported' : '')
