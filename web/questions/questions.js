// The published questions and answers, newest first, searched in Kazakh,
// Russian and English by the inquiries service.
import {call} from '/assets/api.js';
import {language} from '/assets/i18n.js';
import {layout} from '/assets/layout.js';

const results = document.getElementById('results');
const more = document.getElementById('more');
let query = '';
let nextPage = '';

async function load(append) {
  const params = new URLSearchParams({pageSize: '10'});
  if (query) params.set('query', query);
  if (append && nextPage) params.set('pageToken', nextPage);
  const reply = await call('GET', `/v1/publishedQuestions?${params}`);
  if (!reply.ok) return;
  const questions = reply.body.publishedQuestions || [];
    const lang = language();
  const articles = questions.map((q) => {
    // The reader's language when the office gave it, else the original.
    const own = (q.translations || {})[lang];
    const texts = own || q;
    const article = document.createElement('article');
    article.className = 'qa';
    article.lang = own ? lang : q.language || '';
    const title = document.createElement('h2');
    title.textContent = texts.title;
    const question = document.createElement('p');
    question.textContent = texts.question;
    const answer = document.createElement('p');
    answer.textContent = texts.answer;
    article.append(title, question, answer);
    return article;
  });
  if (append) results.append(...articles);
  else results.replaceChildren(...articles);
  nextPage = reply.body.nextPageToken || '';
  more.hidden = !nextPage;
  document.getElementById('none').hidden = results.children.length > 0;
}

document.getElementById('search').addEventListener('submit', (event) => {
  event.preventDefault();
  query = document.getElementById('query').value.trim();
  load(false);
});
more.addEventListener('click', () => load(true));
layout('/questions');
load(false);
