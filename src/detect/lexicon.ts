// Multilingual keyword lexicons. Text is matched after normalize(): lower case, Latin
// diacritics dropped, runs of separators (space, _, -, .) folded to one space, so
// `user_name`, `userName` and `User-Name` all read `user name`.

export function normalize(text: string): string {
  return joinSpacedLetters(text)
    .replace(INVISIBLE, (c) => (c === '\u200c' ? ' ' : ''))
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(UNDECOMPOSED, (c) => FOLD[c] ?? c)
    .replace(/[\s_\-.:|/\\]+/g, ' ')
    .trim();
}

/**
 * Soft hyphens and zero-width characters sit inside words without showing ("Anmel&shy;den");
 * the Persian zero-width non-joiner is a half space between the parts of one word.
 */
const INVISIBLE = /[\u00ad\u200b-\u200d\u2060\ufeff]/g;

/** Latin letters that NFKD leaves whole, as people type them without the mark. */
const FOLD: Record<string, string> = { 'đ': 'd', 'ł': 'l', 'ø': 'o', 'ı': 'i', 'ß': 'ss', 'æ': 'ae', 'œ': 'oe', 'ħ': 'h' };
const UNDECOMPOSED = /[đłøıßæœħ]/g;

/** Han, kana and Hangul: scripts in which one character is a syllable or a word. */
const CJK = /[\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff\uff66-\uff9f]/;

/**
 * Letters spaced out for looks, or each in its own element: `登 录`, `로 그 인`, `S i g n  i n`.
 * A run of single letters between spaces is one word, and a wider gap inside the run is the
 * space between words. Latin runs need three letters ("a b" is two words); CJK runs two.
 */
export function joinSpacedLetters(text: string): string {
  if (!SPACED_TEST.test(text)) return text;
  return text.replace(SPACED_RUN, (run) => {
    const letters = run.split(/[\s\u3000]+/);
    if (letters.length < (CJK.test(letters[0]!) ? 2 : 3)) return run;
    return run.replace(/[\s\u3000]+/g, (gap) => (gap.length > 1 && !gap.includes('\u3000') ? ' ' : ''));
  });
}
const SPACED_TEST = /(?:^|\s)\p{L}[\s\u3000]+\p{L}(?:\s|$)/u;
const SPACED_RUN = /(?<!\S)\p{L}(?:[\s\u3000]+\p{L}(?!\S))+/gu;

/**
 * A lexicon is a list of terms. ASCII terms match on word boundaries (so `login` does not
 * fire inside `blogging`); others (CJK, Arabic, Devanagari, Cyrillic...) match as substrings,
 * since those scripts do not separate words the same way.
 */
export type Lexicon = { test(text: string): boolean; find(text: string): string | null };

export function lexicon(terms: string[]): Lexicon {
  const ascii: string[] = [];
  const other: string[] = [];
  for (const raw of terms) {
    const t = normalize(raw);
    if (/^[\x20-\x7e]+$/.test(t)) ascii.push(t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    else other.push(t);
  }
  const re = ascii.length ? new RegExp(`(?:^|[^a-z0-9])(${ascii.join('|')})(?![a-z0-9])`) : null;
  const find = (text: string): string | null => {
    if (re) {
      const m = re.exec(text);
      if (m) return m[1] ?? null;
    }
    for (const t of other) if (text.includes(t)) return t;
    return null;
  };
  return { test: (text) => find(text) !== null, find };
}

/** Words of a login action or a login form's heading. */
export const LOGIN = lexicon([
  // en
  'log in', 'login', 'log on', 'logon', 'sign in', 'signin', 'sign on', 'signon', 'authenticate', 'authentication',
  'member login', 'customer login', 'user login', 'account login', 'auth',
  'my account login', 'welcome back',
  // "already registered" headings that sit over login forms
  'returning customer', 'returning customers', 'existing customer', 'existing customers', 'already registered',
  'registered customers', 'deja inscrit', 'deja client', 'bereits registriert', 'bereits kunde', 'ya registrado',
  'ya soy cliente', 'ja sou cliente', 'ja tenho conta', 'gia registrato', 'gia cliente',
  // fr
  'connexion', 'se connecter', 'connectez vous', 'connecter', "s'identifier", 'identifiez vous', 'identification', 'me connecter', 'je me connecte', 'connecte toi', 'identifiez vous avec',
  // de
  'anmelden', 'anmeldung', 'einloggen', 'login bereich', 'jetzt anmelden',
  // es
  'iniciar sesion', 'inicia sesion', 'inicio de sesion', 'ingresar', 'ingresa', 'acceder', 'accede', 'entrar', 'identificate',
  // pt
  'iniciar sessao', 'fazer login', 'acessar', 'acesse', 'entrar', 'entre', 'acesso', 'identifique se',
  // it
  'accedi', 'accesso', 'entra', 'effettua il login',
  // nl
  'inloggen', 'aanmelden', 'log in',
  // sv, da, no, fi
  'logga in', 'log ind', 'logg inn', 'logg på', 'kirjaudu', 'kirjaudu sisaan',
  // pl, cs, sk, hu, ro, hr, lt, tr, id, vi
  'zaloguj', 'zaloguj sie', 'logowanie', 'prihlasit', 'prihlaseni', 'prihlasenie', 'prihlas', 'belepes', 'bejelentkezes', 'belep',
  'autentificare', 'conectare', 'prijava', 'prijavi se', 'prisijungti', 'prisijungimas', 'giris', 'giris yap', 'oturum ac',
  'masuk', 'dang nhap',
  // ru, uk, bg, sr
  'войти', 'вход', 'войдите', 'авторизация', 'авторизоваться', 'увійти', 'вхід', 'влез', 'влизане', 'вписване', 'пријава',
  // el
  'σύνδεση', 'συνδεση', 'είσοδος', 'εισοδος',
  // ja, zh, ko
  'ログイン', 'サインイン', 'ログオン', '登录', '登入', '登陆', '登錄', '로그인',
  // ar, fa, he, hi, th
  'تسجيل الدخول', 'دخول', 'ورود', 'התחבר', 'התחברות', 'כניסה', 'लॉग इन', 'लॉगिन', 'साइन इन', 'प्रवेश', 'เข้าสู่ระบบ', 'লগইন', 'لاگ ان',
]);

/** Words of a sign-up: its button, heading or form name. */
export const SIGNUP = lexicon([
  'sign up', 'signup', 'register', 'registration', 'create account', 'create an account', 'create my account', 'new account',
  'join now', 'join us', 'join free', 'agree join', 'create your account', 'create a free account', 'create your free account', 'make an account', 'get started', 'open an account', 'enroll', 'enrol', 'enrollment', 'enrolment', 'create user', 'new user',
  'inscription', "s'inscrire", 'inscrivez vous', 'creer un compte', 'creer mon compte', 'je cree mon compte', 'creer votre compte',
  'registrieren', 'registrierung', 'konto erstellen', 'konto anlegen', 'jetzt registrieren',
  'registrarse', 'registrate', 'registro', 'crear cuenta', 'crear una cuenta',
  'cadastre se', 'cadastrar', 'cadastro', 'criar conta', 'registar', 'registe se',
  'registrati', 'registrazione', 'crea account', 'iscriviti',
  'registreren', 'account aanmaken', 'registrera', 'skapa konto', 'opret konto', 'tilmeld', 'registrer', 'opprett konto',
  'rekisteroidy', 'luo tili', 'zarejestruj', 'rejestracja', 'zaloz konto', 'registrace', 'zaregistrovat', 'registracia',
  'regisztracio', 'regisztralj', 'inregistrare', 'registracija', 'kayit ol', 'uye ol', 'daftar', 'dang ky',
  'регистрация', 'зарегистрироваться', 'зарегистрируйтесь', 'создать аккаунт', 'реєстрація', 'регистрирай',
  'εγγραφή', 'εγγραφη',
  '新規登録', '会員登録', '新規会員', 'アカウント作成', 'アカウントを作成', '注册', '註冊', '회원가입', '가입하기',
  'إنشاء حساب', 'انشاء حساب', 'سجل الآن', 'ثبت نام', 'הרשמה', 'साइन अप', 'रजिस्टर', 'पंजीकरण', 'สมัครสมาชิก',
]);

/** Password reset, recovery or change. */
export const RECOVERY = lexicon([
  'forgot', 'forgotten', 'reset', 'recover', 'recovery', 'lost password', 'change password', 'new password',
  // the same run together in a form's id or action (`?action=lostpassword`)
  'lostpassword', 'forgotpassword', 'resetpassword', 'passwordreset', 'recoverpassword',
  'mot de passe perdu', 'nouveau mot de passe', 'neues passwort', 'contrasena perdida', 'nueva contrasena',
  'senha perdida', 'perdeu a senha', 'perdeu sua senha', 'nova senha', 'password dimenticata', 'nuova password',
  'mot de passe oublie', 'reinitialiser', 'reinitialisation', 'passwort vergessen', 'zurucksetzen', 'kennwort vergessen',
  'olvidaste', 'olvido', 'restablecer', 'recuperar', 'esqueceu', 'esqueci', 'redefinir', 'dimenticato', 'recupera',
  'wachtwoord vergeten', 'glomt', 'glemt', 'unohtunut', 'nie pamietasz', 'zapomniales', 'zapomenute', 'zabudnute',
  'elfelejtett', 'sifremi unuttum', 'lupa', 'quen mat khau',
  'забыли', 'восстановить', 'восстановление', 'сменить пароль', 'забравена', 'забули',
  'パスワードを忘れ', 'パスワード再設定', '忘记密码', '忘記密碼', '找回密码', '비밀번호 찾기', '비밀번호를 잊',
  'نسيت', 'استعادة', 'فراموشی', 'שכחת', 'भूल गए',
]);
export const FORGOT = lexicon([
  'forgot', 'forgotten', 'lost password', 'mot de passe oublie', 'passwort vergessen', 'kennwort vergessen', 'olvidaste',
  'olvido', 'esqueceu', 'esqueci', 'dimenticato', 'wachtwoord vergeten', 'glomt', 'glemt', 'unohtunut', 'nie pamietasz',
  'zapomniales', 'zapomenute', 'zabudnute', 'elfelejtett', 'sifremi unuttum', 'lupa', 'quen mat khau', 'забыли', 'забравена',
  'забули', 'パスワードを忘れ', '忘记密码', '忘記密碼', '비밀번호 찾기', '비밀번호를 잊', 'نسيت', 'فراموشی', 'שכחת', 'भूल गए',
]);

export const REMEMBER = lexicon([
  'remember me', 'keep me signed in', 'keep me logged in', 'stay signed in', 'stay logged in', 'remember', 'se souvenir',
  'rester connecte', 'angemeldet bleiben', 'eingeloggt bleiben', 'recordarme', 'recordar mi', 'recordar usuario', 'mantener sesion', 'lembrar', 'manter conectado',
  'ricordami', 'mantieni', 'onthoud', 'ingelogd blijven', 'kom ihag', 'husk mig', 'husk meg', 'muista minut', 'zapamietaj',
  'zapamatovat', 'emlekezz', 'beni hatirla', 'запомнить', 'запомни', 'ログイン状態を保持', '次回から', '记住', '記住',
  '로그인 상태 유지', 'تذكرني', 'मुझे याद रखें',
  // "remember my user name / customer number" beside the one field of a bank's first step
  'merken', 'benutzername speichern', 'lembrar meu', 'ricorda il mio', 'se souvenir de mon', 'idを保存', 'id保存', '아이디 저장',
]);

export const SEARCH = lexicon([
  'search', 'recherche', 'rechercher', 'suche', 'suchen', 'buscar', 'busqueda', 'pesquisar', 'pesquisa', 'cerca', 'cercare',
  'zoeken', 'sok', 'soeg', 'hae', 'szukaj', 'hledat', 'hladat', 'kereses', 'ara', 'cari', 'tim kiem', 'поиск', 'найти',
  'търсене', '検索', '搜索', '搜尋', '검색', 'بحث', 'جستجو', 'חיפוש', 'खोज', 'query', 'keyword', 'keywords',
]);

export const NEWSLETTER = lexicon([
  'newsletter', 'subscribe', 'subscription', 'mailing list', 'sign up for', 'get updates', "s'abonner", 'abonnieren',
  'suscribir', 'suscribete', 'assinar', 'iscriviti alla newsletter', 'inschrijven', 'prenumerera', 'subskrybuj',
  'рассылка', 'подписаться', 'メールマガジン', 'メルマガ', '订阅', '訂閱', '구독', 'اشترك', 'הרשמה לניוזלטר',
]);

export const PAYMENT = lexicon([
  'card number', 'credit card', 'cvv', 'cvc', 'csc', 'security code', 'expiry', 'expiration', 'checkout', 'place order', 'pay now',
  'billing', 'shipping', 'numero de carte', 'kartennummer', 'numero de tarjeta', 'numero do cartao', 'номер карты',
  'カード番号', '卡号', '카드 번호', 'رقم البطاقة',
]);

/** A field holding the account name: username, e-mail, login, phone-as-login, member id. */
export const USERNAME = lexicon([
  'user', 'username', 'user name', 'userid', 'user id', 'login', 'login id', 'email', 'e mail', 'mail', 'account', 'acct',
  'uname', 'usr', 'nick', 'nickname', 'member', 'membername', 'log', 'uid', 'id', 'identifier', 'handle', 'screen name',
  'identifiant', 'utilisateur', 'courriel', 'adresse e mail', 'benutzername', 'benutzer', 'nutzername', 'kennung',
  'usuario', 'correo', 'utente', 'nome utente', 'gebruikersnaam', 'anvandarnamn', 'brugernavn', 'brukernavn',
  'kayttajatunnus', 'uzytkownik', 'nazwa uzytkownika', 'uzivatel', 'uzivatelske jmeno', 'felhasznalonev', 'kullanici adi',
  'nome de usuario', 'utilizador', 'pengguna', 'ten dang nhap',
  // the number or code a bank, shop or state knows its users by
  'customer number', 'client number', 'customer id', 'client id', 'account number', 'member number', 'membership number',
  'contract number', 'tax number', 'tax id', 'national id', 'id number', 'kundennummer', 'anmeldename', 'numero client',
  'numero de client', 'numero fiscal', 'numero de cliente', 'numero do cliente', 'cpf', 'cnpj', 'nif', 'dni', 'curp', 'rfc',
  'aadhaar', 'kimlik', 'tc kimlik', 'numer klienta', 'identyfikator', 'codice fiscale', 'e posta', 'eposta',
  'логин', 'имя пользователя', 'пользователь', 'почта', 'эл почта', 'потребител', 'користувач',
  'ユーザー名', 'ユーザーid', 'ユーザid', 'ログインid', 'メールアドレス', 'アカウント', '会員id', '用户名', '用戶名', '帐号', '账号',
  '帳號', '邮箱', '帐户', '账户', '会員番号', 'お客様番号', '契約者番号', '利用者番号', '아이디', '이메일', '사용자', 'اسم المستخدم', 'البريد', 'نام کاربری', 'ایمیل', 'שם משתמש', 'דוא"ל',
  'उपयोगकर्ता', 'ईमेल', 'ชื่อผู้ใช้',
]);

export const PASSWORD_WORDS = lexicon([
  'password', 'passwd', 'pass', 'pwd', 'passcode', 'mot de passe', 'passwort', 'kennwort', 'contrasena', 'clave', 'senha',
  'palavra passe', 'wachtwoord', 'losenord', 'adgangskode', 'passord', 'salasana', 'haslo', 'heslo', 'jelszo', 'sifre', 'parola',
  'kata sandi', 'mat khau', 'пароль', 'парола', 'パスワード', '密码', '密碼', '비밀번호', 'كلمة المرور', 'كلمة السر', 'رمز عبور',
  'סיסמה', 'पासवर्ड', 'รหัสผ่าน',
]);

/** Second password of a sign-up or change form. */
export const CONFIRM = lexicon([
  'confirm', 'confirmation', 'repeat', 'retype', 're enter', 'reenter', 'verify', 'again', 'password2', 'pass2', 'pwd2',
  'new', 'old', 'current password', 'confirmer', 'nouveau', 'bestatigen', 'wiederholen', 'neues', 'confirmar', 'repetir',
  'nueva', 'nova', 'conferma', 'ripeti', 'bevestig', 'herhaal', 'powtorz', 'potwierdz', 'zopakujte', 'megerosites',
  'tekrar', 'повторите', 'подтвердите', 'подтверждение', 'новый', '確認', '再入力', '确认', '再次', '확인', 'تأكيد', 'تكرار',
]);

/** Fields that a login form does not ask for. */
export const PROFILE = lexicon([
  'first name', 'firstname', 'last name', 'lastname', 'surname', 'full name', 'fullname', 'birthday', 'birth', 'dob',
  'date of birth', 'address', 'street', 'city', 'zip', 'postcode', 'postal', 'phone', 'mobile', 'company', 'gender',
  'prenom', 'nom', 'vorname', 'nachname', 'nombre', 'apellido', 'sobrenome', 'cognome', 'telefon', 'telefono', 'adresse',
  'имя', 'фамилия', 'телефон', '氏名', '姓名', '電話', '住所', '이름', '전화', 'الاسم', 'الهاتف',
]);

export const ONE_TIME = lexicon([
  'one time', 'otp', 'verification code', '2fa', 'two factor', 'authenticator', 'sms code', 'security code', 'passcode',
  'captcha', 'digit code', 'code we sent', 'code sent', 'sms', 'enter code', 'enter the code', 'otp code', 'code de verification', 'bestatigungscode', 'codigo de verificacion', 'код подтверждения', '認証コード', '验证码', '인증번호',
]);

/** Buttons that must never be taken for the submit of a login form. */
export const NOT_SUBMIT = lexicon([
  'cancel', 'close', 'back', 'clear', 'show', 'hide', 'show password', 'annuler', 'abbrechen', 'cancelar', 'annulla',
  'отмена', 'キャンセル', '取消', '취소', 'إلغاء', 'facebook', 'google', 'apple', 'twitter', 'github', 'microsoft', 'linkedin',
]);

export const NEXT = lexicon([
  'next', 'continue', 'proceed', 'go', 'ok', 'submit', 'send', 'enter', 'request otp', 'get otp', 'send otp', 'send code', 'get code', 'suivant', 'continuer', 'valider', 'weiter',
  'siguiente', 'continuar', 'enviar', 'proximo', 'avancar', 'avanti', 'continua', 'invia', 'volgende', 'doorgaan', 'nasta',
  'fortsett', 'fortsaet', 'jatka', 'dalej', 'pokracovat', 'tovabb', 'ileri', 'devam', 'lanjut', 'selanjutnya', 'tiep theo', 'tiep tuc', 'далее', 'продолжить',
  'отправить', 'напред', '次へ', '送信', '下一步', '继续', '繼續', '提交', '다음', '계속', 'التالي', 'متابعة', 'ادامه', 'הבא',
  'आगे', 'जारी रखें', 'ถัดไป', 'ต่อไป', '获取验证码',
]);

/** A phone number: in much of the world the account's name at sign-in. */
export const PHONE = lexicon([
  'phone', 'mobile', 'cell', 'telephone', 'tel', 'telefon', 'telefono', 'handy', 'celular', 'nomor hp', 'so dien thoai',
  'телефон', 'номер телефона', '手机', '手機', '电话', '電話', '携帯', '휴대폰', '전화', 'جوال', 'هاتف', 'موبایل', 'טלפון',
  'मोबाइल', 'เบอร์โทร',
]);

/** Words of a form that changes or closes an account a person is already signed in to. */
export const ACCOUNT_ACTION = lexicon([
  'save', 'save changes', 'update', 'change', 'edit', 'settings', 'delete', 'deactivate', 'close account', 'remove',
  'enregistrer', 'modifier', 'parametres', 'supprimer', 'speichern', 'andern', 'einstellungen', 'loschen', 'guardar',
  'cambiar', 'eliminar', 'salvar', 'alterar', 'excluir', 'salva', 'modifica', 'elimina', 'opslaan', 'wijzigen', 'zapisz',
  'zmien', 'usun', 'kaydet', 'degistir', 'сохранить', 'изменить', 'удалить', 'настройки', '保存', '変更', '設定', '退会',
  '削除', '修改', '设置', '删除', '저장', '변경', '탈퇴', 'حفظ', 'تغيير', 'حذف',
]);
