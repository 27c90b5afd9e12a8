// The programme page: the shared header on static text.
import {layout} from '/assets/layout.js';

layout('/');
