// English and Simplified Chinese. The language comes from the user's choice
// (kept in localStorage: a preference, not a secret) or else the browser's
// languages; every string the UI shows goes through t().
import {en as enBase} from './lang/en.js';
import {zh as zhBase} from './lang/zh-CN.js';
import {enAutomation} from './lang/en-automation.js';
import {zhAutomation} from './lang/zh-CN-automation.js';

const en = {...enBase, ...enAutomation};
const dictionaries = {en, 'zh-CN': {...zhBase, ...zhAutomation}};
export const languages = [['en', 'English'], ['zh-CN', '简体中文']];

function initial() {
  const saved = localStorage.getItem('drover.lang');
  if (saved && dictionaries[saved]) return saved;
  for (const l of navigator.languages || [navigator.language || 'en'])
    if (l.toLowerCase().startsWith('zh')) return 'zh-CN';
    else if (l.toLowerCase().startsWith('en')) return 'en';
  return 'en';
}

export let lang = initial();
document.documentElement.lang = lang;

export function setLang(l) {
  if (!dictionaries[l]) return;
  lang = l;
  localStorage.setItem('drover.lang', l);
  document.documentElement.lang = l;
}

// t('jobs.count', {n: 3}): the text in the current language ({n} filled in).
export function t(key, vars = {}) {
  const text = dictionaries[lang][key] ?? en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, k) => (vars[k] ?? `{${k}}`));
}
