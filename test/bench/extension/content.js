const password = document.querySelector('input[type=password]');
if (password) password.setAttribute('data-grid-run-field', 'password');
document.documentElement.setAttribute('data-grid-run-detection', JSON.stringify({ login: Boolean(password) }));
