/* Cart: change a quantity and the totals and notices follow, without a page load.
 *
 * Progressive enhancement only. Without this file the form's "Update quantities"
 * button posts the same fields and the page comes back recomputed. The server does
 * every sum and every word (POST /cart/update/ answers formatted amounts and the
 * notices' HTML); this script puts them in place.
 */
(function () {
  "use strict";
  var form = document.getElementById("cart-form");
  if (!form || !window.fetch || !window.FormData) {
    return;
  }
  var endpoint = form.getAttribute("data-update-url");
  var notices = document.getElementById("cart-notices");
  var total = document.getElementById("cart-total");
  var status = document.getElementById("cart-status");
  var timer = null;
  var sent = 0;

  form.classList.add("live"); // the CSS hides the now needless "Update quantities" button

  function setText(root, selector, value) {
    var node = root.querySelector(selector);
    if (node && value !== undefined) {
      node.textContent = value;
    }
  }

  function apply(data) {
    if (data.empty) {
      window.location.reload(); // the page says the cart is empty, in its own words
      return;
    }
    form.querySelectorAll("[data-line]").forEach(function (row) {
      var line = data.lines[row.getAttribute("data-line")];
      if (!line) {
        row.remove();
        return;
      }
      setText(row, "[data-field=goods]", line.goods);
    });
    form.querySelectorAll("[data-parcel]").forEach(function (section) {
      var parcel = data.parcels[section.getAttribute("data-parcel")];
      if (!parcel) {
        section.remove();
        return;
      }
      var totals = section.querySelector(".parcel-totals");
      ["goods", "shipping", "tax", "total"].forEach(function (field) {
        setText(totals, "[data-field=" + field + "]", parcel[field]);
      });
    });
    total.textContent = data.total;
    notices.innerHTML = data.notices; // rendered and escaped by the server
    status.textContent = "";
  }

  function fail() {
    form.classList.remove("live"); // fall back to the button
    status.textContent = form.getAttribute("data-failed") || "";
  }

  function send() {
    var mine = ++sent;
    fetch(endpoint, {
      method: "POST",
      body: new FormData(form), // carries the CSRF token of the form
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.json();
      })
      .then(function (data) {
        if (mine === sent) {
          apply(data); // an older answer arriving late must not undo a newer one
        }
      })
      .catch(fail);
  }

  form.addEventListener("input", function (event) {
    if (!event.target.matches("input[type=number]") || !event.target.checkValidity()) {
      return;
    }
    window.clearTimeout(timer);
    timer = window.setTimeout(send, 300);
  });
  form.addEventListener("submit", function (event) {
    if (form.classList.contains("live")) {
      event.preventDefault();
      window.clearTimeout(timer);
      send();
    }
  });
})();
