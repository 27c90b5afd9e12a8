// The privacy notice every consent links to: what the office keeps, why, who
// sees it, for how long, and the reader's rights.
import {layout} from '/assets/layout.js';

layout('/privacy');
