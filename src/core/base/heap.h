/* heap.h - an intrusive binary min-heap of timers (after libuv's heap-inl.h).
 *
 * Intrusive: the node lives inside the thing it orders (an asyncio task
 * embeds one), so inserting a timer never allocates and a million waiting
 * tasks cost a million nodes of three pointers, nothing more. The heap is a
 * complete binary tree of pointers rather than an array: position k (1 =
 * the root) is found by walking the bits of k below its leading 1, left
 * for 0 and right for 1, so insert and remove are O(log n) with no
 * reallocation ever.
 *
 * The order is given by a "less" function; ties must be broken by the
 * caller (asyncio breaks them by the order timers were set).
 */
#ifndef SIM_HEAP_H
#define SIM_HEAP_H

#include <stddef.h>

typedef struct sim_heap_node {
    struct sim_heap_node *left, *right, *parent;
} sim_heap_node;

typedef struct sim_heap {
    sim_heap_node *min; /* the root: the smallest node, or NULL */
    size_t nelts;
} sim_heap;

typedef int (*sim_heap_less)(const sim_heap_node *a, const sim_heap_node *b);

static inline void sim_heap_init(sim_heap *h)
{
    h->min = NULL;
    h->nelts = 0;
}

static inline sim_heap_node *sim_heap_min(const sim_heap *h) { return h->min; }

/* Exchanges a node with its child `c`: their links swap, and the
 * neighbours (c's sibling, both sets of children, the grandparent) are
 * pointed at their new partners. */
static inline void sim_heap_swap_(sim_heap *h, sim_heap_node *p, sim_heap_node *c)
{
    sim_heap_node saved = *p;
    sim_heap_node *sibling;

    *p = *c;
    *c = saved;
    p->parent = c;
    if (c->left == c) {
        c->left = p;
        sibling = c->right;
    } else {
        c->right = p;
        sibling = c->left;
    }
    if (sibling)
        sibling->parent = c;
    if (p->left)
        p->left->parent = p;
    if (p->right)
        p->right->parent = p;
    if (!c->parent)
        h->min = c;
    else if (c->parent->left == p)
        c->parent->left = c;
    else
        c->parent->right = c;
}

/* The link that points at position k (k >= 1); for k = nelts + 1 it is the
 * empty link where a new node goes. *parent gets the node holding it. */
static inline sim_heap_node **sim_heap_slot_(sim_heap *h, size_t k,
                                             sim_heap_node **parent)
{
    size_t path = 0, depth = 0;
    for (size_t n = k; n >= 2; n /= 2) {
        path = (path << 1) | (n & 1);
        depth++;
    }
    sim_heap_node **link = &h->min;
    *parent = NULL;
    while (depth-- > 0) {
        *parent = *link;
        link = (path & 1) ? &(*link)->right : &(*link)->left;
        path >>= 1;
    }
    return link;
}

static inline void sim_heap_insert(sim_heap *h, sim_heap_node *n, sim_heap_less less)
{
    sim_heap_node *parent;
    sim_heap_node **link = sim_heap_slot_(h, h->nelts + 1, &parent);

    n->left = n->right = NULL;
    n->parent = parent;
    *link = n;
    h->nelts++;
    while (n->parent && less(n, n->parent))
        sim_heap_swap_(h, n->parent, n);
}

static inline void sim_heap_remove(sim_heap *h, sim_heap_node *n, sim_heap_less less)
{
    if (h->nelts == 0)
        return;

    /* Detach the last node; it takes n's place, then sinks or rises. */
    sim_heap_node *parent;
    sim_heap_node **link = sim_heap_slot_(h, h->nelts, &parent);
    sim_heap_node *last = *link;
    *link = NULL;
    h->nelts--;
    if (last == n)
        return; /* n was the last node: nothing to move */

    last->left = n->left;
    last->right = n->right;
    last->parent = n->parent;
    if (last->left)
        last->left->parent = last;
    if (last->right)
        last->right->parent = last;
    if (!n->parent)
        h->min = last;
    else if (n->parent->left == n)
        n->parent->left = last;
    else
        n->parent->right = last;

    for (;;) {
        sim_heap_node *smallest = last;
        if (last->left && less(last->left, smallest))
            smallest = last->left;
        if (last->right && less(last->right, smallest))
            smallest = last->right;
        if (smallest == last)
            break;
        sim_heap_swap_(h, last, smallest);
    }
    while (last->parent && less(last, last->parent))
        sim_heap_swap_(h, last->parent, last);
}

static inline void sim_heap_pop(sim_heap *h, sim_heap_less less)
{
    if (h->min)
        sim_heap_remove(h, h->min, less);
}

#endif
