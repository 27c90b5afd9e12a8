// Renders /openapi.json: services, their operations, parameters and the
// shapes of requests and responses. Everything is built with DOM calls, so no
// text from the document is ever parsed as HTML.
const el = (tag, attributes = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
  for (const child of children) node.append(child);
  return node;
};

let spec;

// A schema as indented pseudo-JSON, references expanded `depth` levels deep.
function shape(schema, depth = 0, seen = new Set()) {
  if (!schema) return '';
  if (schema.allOf) return shape(schema.allOf[0], depth, seen);
  if (schema.$ref) {
    const name = schema.$ref.split('/').pop();
    if (depth > 2 || seen.has(name)) return name;
    return shape(spec.components.schemas[name], depth, new Set([...seen, name]));
  }
  if (schema.type === 'array') return `[${shape(schema.items, depth, seen)}]`;
  if (schema.enum) return schema.enum.filter((v) => !v.endsWith('_UNSPECIFIED')).join(' | ');
  if (schema.type === 'object' && schema.properties) {
    const pad = '  '.repeat(depth + 1);
    const lines = Object.entries(schema.properties).map(
      ([name, field]) => `${pad}${name}: ${shape(field, depth + 1, seen)}`);
    return `{\n${lines.join('\n')}\n${'  '.repeat(depth)}}`;
  }
  return schema.format ? `${schema.type} (${schema.format})` : schema.type;
}

function operation(path, verb, op) {
  const details = el('details', { class: 'operation', 'data-search': `${verb} ${path} ${op.operationId} ${op.description || ''}`.toLowerCase() });
  details.append(el('summary', {}, el('span', { class: `verb ${verb}` }, verb.toUpperCase()), ' ',
    el('code', { class: 'path' }, path), ' ', el('span', {}, op.operationId)));
  if (op.description) details.append(el('p', {}, op.description));
  if (op.parameters?.length) {
    const table = el('table', {}, el('caption', {}, 'Parameters'),
      el('tr', {}, el('th', { scope: 'col' }, 'name'), el('th', { scope: 'col' }, 'in'),
        el('th', { scope: 'col' }, 'type'), el('th', { scope: 'col' }, 'description')));
    for (const p of op.parameters) {
      table.append(el('tr', {}, el('td', {}, el('code', {}, p.name)), el('td', {}, p.in),
        el('td', {}, shape(p.schema)), el('td', {}, p.description || '')));
    }
    details.append(table);
  }
  const body = op.requestBody?.content['application/json'].schema;
  if (body) details.append(el('h4', {}, 'Request body'), el('pre', {}, shape(body)));
  const reply = op.responses['200'].content['application/json'].schema;
  details.append(el('h4', {}, 'Response'), el('pre', {}, shape(reply)));
  return details;
}

async function main() {
  const main = document.getElementById('operations');
  try {
    spec = await (await fetch('/openapi.json')).json();
  } catch (error) {
    main.textContent = `The API description could not be loaded: ${error}`;
    return;
  }
  main.textContent = '';
  const sections = new Map();
  for (const tag of spec.tags) {
    const id = `service-${tag.name}`;
    const section = el('section', { class: 'service', id, 'aria-labelledby': `${id}-title` },
      el('h2', { id: `${id}-title` }, tag.name));
    if (tag.description) section.append(el('p', {}, tag.description));
    sections.set(tag.name, section);
    main.append(section);
    document.getElementById('services').append(el('li', {}, el('a', { href: `#${id}` }, tag.name)));
  }
  for (const [path, verbs] of Object.entries(spec.paths)) {
    for (const [verb, op] of Object.entries(verbs)) sections.get(op.tags[0]).append(operation(path, verb, op));
  }
  document.getElementById('filter').addEventListener('input', (event) => {
    const words = event.target.value.toLowerCase().split(/\s+/).filter(Boolean);
    for (const op of document.querySelectorAll('details.operation')) {
      op.hidden = !words.every((w) => op.dataset.search.includes(w));
    }
  });
}

main();
