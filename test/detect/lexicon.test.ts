import assert from 'node:assert/strict';
// Matching is done on NFKD text: Hangul syllables and kana with voicing marks are compared decomposed.
import { LOGIN, NEXT, RECOVERY, REMEMBER, SIGNUP, USERNAME, joinSpacedLetters, normalize } from '../../src/detect/lexicon.ts';

describe('lexicon: text as people write it', () => {
  const reads: [string, string][] = [
    ['登 录', '登录'],
    ['登\u3000录', '登录'],
    ['로 그 인', '로그인'],
    ['ロ グ イ ン', 'ログイン'],
    ['S i g n  i n', 'sign in'],
    ['L o g i n', 'login'],
    ['Anmel\u00adden', 'anmelden'],
    ['Log\u200bin', 'login'],
    ['ورود | ثبت\u200cنام', 'ورود ثبت نام'],
    ['Đăng nhập', 'dang nhap'],
    ['Hasło', 'haslo'],
    ['Kullanıcı adı', 'kullanici adi'],
    ['Straße', 'strasse'],
    ['ＬＯＧＩＮ', 'login'],
    ['userName', 'user name'],
  ];
  for (const [text, expected] of reads) {
    it(`reads ${JSON.stringify(text)} as ${JSON.stringify(expected)}`, () => assert.equal(normalize(text), expected.normalize('NFKD')));
  }

  const kept = ['a b', 'I am here', '手机号 或 邮箱', 'Sign in', 'x 1 y'];
  for (const text of kept) {
    it(`leaves ${JSON.stringify(text)} as words`, () => assert.equal(joinSpacedLetters(text), text));
  }

  it('finds the words once they are read so', () => {
    assert.equal(LOGIN.find(normalize('登\u3000录')), '登录');
    assert.equal(LOGIN.find(normalize('로 그 인')), '로그인'.normalize('NFKD'));
    assert.equal(LOGIN.find(normalize('Đăng nhập')), 'dang nhap');
    assert.equal(SIGNUP.find(normalize('Kayıt ol')), 'kayit ol');
    assert.equal(SIGNUP.find(normalize('Załóż konto')), 'zaloz konto');
    assert.equal(SIGNUP.find(normalize('Create your account')), 'create your account');
    assert.equal(USERNAME.find(normalize('Número de cliente')), 'numero de cliente');
    assert.equal(USERNAME.find(normalize('E-posta adresi')), 'e posta');
    assert.equal(NEXT.find(normalize('Selanjutnya')), 'selanjutnya');
    assert.equal(RECOVERY.find(normalize('/wp-login.php?action=lostpassword')), 'lostpassword');
    assert.equal(RECOVERY.find(normalize('Obter nova senha')), 'nova senha');
    assert.equal(REMEMBER.find(normalize('Anmeldenamen merken')), 'merken');
    assert.equal(REMEMBER.find(normalize('Recordar mi número de cliente')), 'recordar mi');
  });
});
